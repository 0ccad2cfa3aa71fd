using System.Text;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.TestSupport;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>The build's allocation-free JSONL path must accept and reject exactly what the generic reader does.</summary>
public sealed class JsonlFastReaderTests : IDisposable
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (BuildResult Result, List<ImportError> Errors) Fast(byte[] bytes)
    {
        var errors = new List<ImportError>();
        using var stream = new MemoryStream(bytes);
        var result = IndexBuilder.BuildFromJsonl(stream, new BuildOptions { MinCount = 1 }, Clock, errors.Add, null, CancellationToken.None);
        return (result, errors);
    }

    private static (BuildResult Result, List<ImportError> Errors) Generic(byte[] bytes)
    {
        var errors = new List<ImportError>();
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var events = JsonlEventFormat.Read(reader).Where(i => i.Error is null || Add(errors, i.Error)).Select(i => i.Event!).ToList();
        return (IndexBuilder.Build(events, new BuildOptions { MinCount = 1 }, Clock), errors);

        static bool Add(List<ImportError> errors, ImportError error)
        {
            errors.Add(error);
            return false;
        }
    }

    [Fact]
    public void BuildFromJsonl_EdgeCaseLines_SameIndexAndSameBadLinesAsGenericReader()
    {
        var text = string.Join(
            "\r\n",
            """{"type":"search","user":"u1","query":"Gears of War","time":"2011-09-14T12:45:07.064Z","item":null,"category":null,"results":12,"amount":null}""",
            """{"type":"click","user":"u1","query":"gears of war","time":"2011-09-14T12:45:09Z","item":"sku1","category":"games","results":null,"amount":null}""",
            "",
            "   ",
            """{"type":"SEARCH","user":"u2","query":"halo \u0033","time":"2011-09-14T12:46:00+02:00"}""", // upper-case type, escape, offset: generic path
            """{"type":"search","user":"u3","query":"华为手机","time":"2011-09-14T12:47:00.000Z","extra":1}""", // unknown property: generic path
            """{"type":"order","user":"u3","query":"华为手机","time":"2011-09-14T12:48:00.000Z","item":"p1","amount":1999.5}""",
            """{"type":"search","user":"u4","query":"  ","time":"2011-09-14T12:49:00.000Z"}""", // blank query: bad
            """{"type":"search","user":"u5","query":"x","time":"2011-02-30T12:49:00.000Z"}""", // no such day: bad
            """{"type":"search","user":"u6","query":"y","time":"2011-09-14T12:49:00.000Z","results":-1}""", // negative: bad
            """{"type":"search","user":"u7","query":"z","time":"2011-09-14T12:49:00.000Z",}""", // trailing comma: bad
            """{"type":"search","user":"u8","query":"w","time":"2011-09-14T12:49:00.000Z"} x""", // trailing text: bad
            """{"type":"search","user":"u9","query":"v","time":"2011-09-14T12:50:00.000Z","results":1.5}""", // not an int: bad
            """{"type":"search","user":"","query":"u","time":"2011-09-14T12:50:00.000Z"}""", // empty user: bad
            """{"type":"search","user":"u10","query":"gears of war","time":"2011-09-14T12:51:00.000Z","results":0}""",
            """{"type":"search","user":"u11","query":"last","time":"2011-09-14T12:52:00.000Z"}""");
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray(); // BOM, CRLF, no final newline

        var fast = Fast(bytes);
        var generic = Generic(bytes);

        Assert.Equal(generic.Errors.Select(e => (e.LineNumber, e.Reason)), fast.Errors.Select(e => (e.LineNumber, e.Reason)));
        Assert.Equal(7, fast.Errors.Count);
        Assert.Equal(generic.Result.Summary.EventsRead, fast.Result.Summary.EventsRead);
        Assert.Equal(generic.Result.Build.Manifest.Checksum, fast.Result.Build.Manifest.Checksum);
    }

    [Fact]
    public void BuildFromJsonl_EscapedNonAsciiValues_SameIndexAsRawUtf8AndGenericReader()
    {
        // System.Text.Json's default encoder writes 华为手机 as \u534e\u4e3a\u624b\u673a; the fast path unescapes it.
        var escaped = string.Join(
            "\n",
            """{"type":"search","user":"u1","query":"\u534e\u4e3a\u624b\u673a","time":"2026-11-01T10:00:00.000Z","item":null,"category":null,"results":3,"amount":null}""",
            """{"type":"click","user":"u1","query":"\u534e\u4e3a\u624b\u673a","time":"2026-11-01T10:00:05.000Z","item":"sku-\u624b","category":"\u624b\u673a","results":null,"amount":null}""",
            """{"type":"search","user":"u2","query":"\u534e\u4e3a\u624b\u673a \"pro\"","time":"2026-11-01T10:01:00.000Z","item":null,"category":null,"results":1,"amount":null}""");
        var raw = escaped.Replace("\\u534e\\u4e3a\\u624b\\u673a", "华为手机", StringComparison.Ordinal)
            .Replace("sku-\\u624b", "sku-手", StringComparison.Ordinal)
            .Replace("\\u624b\\u673a", "手机", StringComparison.Ordinal);
        Assert.Contains("华为手机", raw, StringComparison.Ordinal);

        var fromEscaped = Fast(Encoding.UTF8.GetBytes(escaped));
        var fromRaw = Fast(Encoding.UTF8.GetBytes(raw));
        var generic = Generic(Encoding.UTF8.GetBytes(escaped));

        Assert.Empty(fromEscaped.Errors);
        Assert.Equal(3, fromEscaped.Result.Summary.EventsRead);
        Assert.Equal(generic.Result.Build.Manifest.Checksum, fromEscaped.Result.Build.Manifest.Checksum);
        Assert.Equal(fromRaw.Result.Build.Manifest.Checksum, fromEscaped.Result.Build.Manifest.Checksum);
    }

    [SharedDataFact(SharedData.BestBuyCsvFile)]
    public void BuildFromJsonl_BestBuyLog_SameIndexAsGenericReader()
    {
        var jsonl = _dir.File("bestbuy.jsonl");
        EventImporter.Import(ImportFormat.BestBuy, SharedData.BestBuyCsv, jsonl);
        var bytes = File.ReadAllBytes(jsonl);

        var fast = Fast(bytes);
        var generic = Generic(bytes);

        Assert.Empty(fast.Errors);
        Assert.Equal(59_052, fast.Result.Summary.EventsRead);
        Assert.Equal(generic.Result.Build.Manifest.Checksum, fast.Result.Build.Manifest.Checksum);
    }

    [Theory]
    [InlineData("2011-09-14T12:45:07.064Z", true)]
    [InlineData("2011-09-14T12:45:07Z", true)]
    [InlineData("2011-09-14T24:00:00Z", false)]
    [InlineData("2011-09-14 12:45:07Z", false)]
    [InlineData("2011-09-14T12:45:07.06Z", false)]
    public void TryParseTime_WriterFormats_ParsedOthersLeftToGenericPath(string text, bool parsed)
    {
        var ok = JsonlFastReader.TryParseTime(Encoding.ASCII.GetBytes(text), out var ticks);

        Assert.Equal(parsed, ok);
        if (ok)
        {
            Assert.Equal(DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture).UtcTicks, ticks);
        }
    }
}
