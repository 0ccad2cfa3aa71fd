using QueryRec.Indexer.Import;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Import;

public sealed class ImporterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ImportResult Import(ImportFormat format, string input, out List<LogEvent> events)
    {
        var output = _dir.File("out-" + Guid.NewGuid().ToString("N") + ".jsonl");
        var result = EventImporter.Import(format, input, output);
        var errors = new List<ImportError>();
        events = [.. JsonlEventFormat.ReadFile(output, errors.Add)];
        Assert.Empty(errors); // the importer's own output must always read back cleanly
        return result;
    }

    [Fact]
    public void ImportJsonl_GoodAndBadLines_CountsBadLinesWithLineNumbersAndKeepsGoodOnes()
    {
        var longQuery = new string('q', 257);
        var longUser = new string('u', 129);
        var input = _dir.WriteLines(
            "in.jsonl",
            """{"type":"search","user":"u1","query":"gears of war","time":"2011-09-14T12:45:07.064Z","item":null,"category":null,"results":12,"amount":null}""",
            """{"type":"jump","user":"u1","query":"x","time":"2011-09-14T12:45:07Z"}""",
            """{"type":"search","user":"","query":"x","time":"2011-09-14T12:45:07Z"}""",
            """{"type":"search","user":"u2","query":"x","time":"yesterday"}""",
            """{"type":"search","user":"u2","time":"2011-09-14T12:45:07Z"}""",
            "{not json",
            "",
            $$"""{"type":"search","user":"u2","query":"{{longQuery}}","time":"2011-09-14T12:45:07Z"}""",
            $$"""{"type":"click","user":"{{longUser}}","query":"a","time":"2011-09-14T12:45:07Z"}""",
            """{"type":"click","user":"u3","time":"2011-09-14T14:45:07+02:00","item":"sku1","category":"c1"}""");

        var result = Import(ImportFormat.Jsonl, input, out var events);

        Assert.Equal(7, result.BadLines);
        Assert.Equal([2L, 3, 4, 5, 6, 8, 9], result.Errors.Select(e => e.LineNumber));
        Assert.Contains("unknown type", result.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("user", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("time", result.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("query is required", result.Errors[3].Reason, StringComparison.Ordinal);
        Assert.Contains("JSON", result.Errors[4].Reason, StringComparison.Ordinal);
        Assert.Contains("256", result.Errors[5].Reason, StringComparison.Ordinal);
        Assert.Contains("128", result.Errors[6].Reason, StringComparison.Ordinal);
        Assert.Equal(2, events.Count);
        Assert.Equal(new LogEvent(LogEventType.Search, "u1", "gears of war", new DateTimeOffset(2011, 9, 14, 12, 45, 7, 64, TimeSpan.Zero), ResultCount: 12), events[0]);
        Assert.Equal(new LogEvent(LogEventType.Click, "u3", string.Empty, new DateTimeOffset(2011, 9, 14, 12, 45, 7, TimeSpan.Zero), "sku1", "c1"), events[1]);
    }

    [Fact]
    public void FormatJsonl_Event_WritesDocumentedFieldsInUtcWithMilliseconds()
    {
        var e = new LogEvent(LogEventType.Order, "u1", "手机", new DateTimeOffset(2011, 9, 14, 12, 45, 7, 64, TimeSpan.Zero), "sku-1", "cat-1", null, 12.5m);

        var line = JsonlEventFormat.Format(e);

        Assert.Equal("""{"type":"order","user":"u1","query":"\u624B\u673A","time":"2011-09-14T12:45:07.064Z","item":"sku-1","category":"cat-1","results":null,"amount":12.5}""", line);
        Assert.Equal(e, JsonlEventFormat.ParseLine(line, 1).Event);
    }

    [Fact]
    public void ImportAol_RowsWithAndWithoutClick_YieldSearchAndOptionalClick()
    {
        var input = _dir.WriteLines(
            "aol.tsv",
            "AnonID\tQuery\tQueryTime\tItemRank\tClickURL",
            "142\trentdirect.com\t2006-03-01 07:17:12\t\t",
            "142\twestchester.gov\t2006-03-26 09:31:37\t1\thttp://www.westchestergov.com",
            "217\tlottery\t2006-03-01 11:58:51");

        var result = Import(ImportFormat.Aol, input, out var events);

        Assert.Equal(0, result.BadLines);
        Assert.Equal(3, result.RecordsImported);
        Assert.Equal(4, events.Count);
        Assert.Equal(new LogEvent(LogEventType.Search, "142", "rentdirect.com", new DateTimeOffset(2006, 3, 1, 7, 17, 12, TimeSpan.Zero)), events[0]);
        Assert.Equal(LogEventType.Search, events[1].Type);
        Assert.Equal(new LogEvent(LogEventType.Click, "142", "westchester.gov", new DateTimeOffset(2006, 3, 26, 9, 31, 37, TimeSpan.Zero), "http://www.westchestergov.com"), events[2]);
        Assert.Equal(new LogEvent(LogEventType.Search, "217", "lottery", new DateTimeOffset(2006, 3, 1, 11, 58, 51, TimeSpan.Zero)), events[3]);
    }

    [Fact]
    public void ImportAol_BadRows_ReportedWithLineNumbersAndReasons()
    {
        var input = _dir.WriteLines(
            "aol.tsv",
            "1\tok\t2006-03-01 07:17:12",
            "2\tbad time\t01/03/2006 07:17",
            "3\tonly two",
            "4\trank only\t2006-03-01 07:17:12\t3\t",
            "5\tbad rank\t2006-03-01 07:17:12\tx\thttp://a",
            "\tno user\t2006-03-01 07:17:12",
            "7\t\t2006-03-01 07:17:12",
            "8\tok too\t2006-03-01 08:00:00\t2\thttp://b");

        var result = Import(ImportFormat.Aol, input, out var events);

        Assert.Equal([2L, 3, 4, 5, 6, 7], result.Errors.Select(e => e.LineNumber));
        Assert.Contains("QueryTime", result.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("fields", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("both", result.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("ItemRank", result.Errors[3].Reason, StringComparison.Ordinal);
        Assert.Contains("user", result.Errors[4].Reason, StringComparison.Ordinal);
        Assert.Contains("query", result.Errors[5].Reason, StringComparison.Ordinal);
        Assert.Equal(["ok", "ok too", "ok too"], events.Select(e => e.Query));
    }

    [Fact]
    public void ImportBestBuy_QuotedFieldsWithCommas_ParsedAsOneField()
    {
        var input = _dir.WriteLines(
            "bb.csv",
            "user,sku,category,query,click_time,query_time",
            "u1,123,abcat01,\"tv, 55 inch\",2011-09-14 12:45:07.064,2011-09-14 12:44:00",
            "u2,456,cat2,\"say \"\"hi\"\"\",2011-09-14 13:00:01.5,2011-09-14 12:59:59.27");

        var result = Import(ImportFormat.BestBuy, input, out var events);

        Assert.Equal(0, result.BadLines);
        Assert.Equal(2, result.RecordsImported);
        Assert.Equal(
            [
                new LogEvent(LogEventType.Search, "u1", "tv, 55 inch", new DateTimeOffset(2011, 9, 14, 12, 44, 0, TimeSpan.Zero)),
                new LogEvent(LogEventType.Click, "u1", "tv, 55 inch", new DateTimeOffset(2011, 9, 14, 12, 45, 7, 64, TimeSpan.Zero), "123", "abcat01"),
                new LogEvent(LogEventType.Search, "u2", "say \"hi\"", new DateTimeOffset(2011, 9, 14, 12, 59, 59, 270, TimeSpan.Zero)),
                new LogEvent(LogEventType.Click, "u2", "say \"hi\"", new DateTimeOffset(2011, 9, 14, 13, 0, 1, 500, TimeSpan.Zero), "456", "cat2"),
            ],
            events);
    }

    [Fact]
    public void ImportBestBuy_BadRows_ReportedWithLineNumbersAndReasons()
    {
        var input = _dir.WriteLines(
            "bb.csv",
            "user,sku,category,query,click_time,query_time",
            "u1,1,c,good,2011-09-14 12:45:07,2011-09-14 12:44:07",
            "u1,1,c,bad click time,14/09/2011,2011-09-14 12:44:07",
            "u1,1,c,too,many,fields,2011-09-14 12:45:07,2011-09-14 12:44:07",
            "u1,1,c,\"multi",
            "line\",2011-09-14 12:45:07,2011-09-14 12:44:07",
            ",1,c,no user,2011-09-14 12:45:07,2011-09-14 12:44:07",
            "u1,1,c,,2011-09-14 12:45:07,2011-09-14 12:44:07",
            "u1,,c,no sku,2011-09-14 12:45:07,2011-09-14 12:44:07",
            "u1,1,c,bad query time,2011-09-14 12:45:07,2011-09-14",
            "u2,2,c,good too,2011-09-14 12:45:07,2011-09-14 12:44:07");

        var result = Import(ImportFormat.BestBuy, input, out var events);

        Assert.Equal([3L, 4, 7, 8, 9, 10], result.Errors.Select(e => e.LineNumber));
        Assert.Contains("click_time", result.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("expected 6 fields, found 8", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("user", result.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("query", result.Errors[3].Reason, StringComparison.Ordinal);
        Assert.Contains("sku", result.Errors[4].Reason, StringComparison.Ordinal);
        Assert.Contains("query_time", result.Errors[5].Reason, StringComparison.Ordinal);

        // The record spanning lines 5-6 is valid CSV (a quoted line break) and imported.
        Assert.Equal(["good", "good", "multi\nline", "multi\nline", "good too", "good too"], events.Select(e => e.Query));
    }

    [Fact]
    public void ImportBestBuy_MissingHeaderColumn_ThrowsInvalidData()
    {
        var input = _dir.WriteLines("bb.csv", "user,sku,query,click_time,query_time", "u1,1,q,2011-09-14 12:45:07,2011-09-14 12:44:07");

        var ex = Assert.Throws<InvalidDataException>(() => EventImporter.Import(ImportFormat.BestBuy, input, _dir.File("out.jsonl")));

        Assert.Contains("category", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_MoreBadLinesThanMaxErrors_AbortsWithoutOutput()
    {
        var input = _dir.WriteLines("aol.tsv", "1\tq\tbad", "2\tq\tbad", "3\tq\t2006-03-01 07:17:12");
        var output = _dir.File("out.jsonl");

        var result = EventImporter.Import(ImportFormat.Aol, input, output, maxErrors: 1);

        Assert.True(result.Aborted);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Import_ErrorsFile_ListsEveryBadLine()
    {
        var lines = Enumerable.Range(1, 30).Select(i => i % 2 == 0 ? $"{i}\tq\t2006-03-01 07:17:12" : $"{i}\tq\tnot a time").ToArray();
        var input = _dir.WriteLines("aol.tsv", lines);
        var errorsFile = _dir.File("errors.txt");

        var result = EventImporter.Import(ImportFormat.Aol, input, _dir.File("out.jsonl"), errorsPath: errorsFile);

        Assert.Equal(15, result.BadLines);
        var written = File.ReadAllLines(errorsFile);
        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"line {(2 * i) + 1}:"), written.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)] + ":"));
    }
}
