using QueryRec.Indexer.Import;
using QueryRec.TestSupport;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Import;

/// <summary>Imports the real Best Buy sample (read at run time from the shared data directory, never copied).</summary>
public sealed class BestBuySampleImportTests : IDisposable
{
    private static string SamplePath => SharedData.BestBuyCsv;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [SharedDataFact(SharedData.BestBuyCsvFile)]
    public void ImportBestBuy_RealSample_EveryRowBecomesSearchAndClick()
    {
        Assert.True(File.Exists(SamplePath), $"The Best Buy sample is missing: expected it at {SamplePath}.");
        var expectedRows = CountDataRowsByNewlines(SamplePath);
        var output = _dir.File("bestbuy.jsonl");

        var result = EventImporter.Import(ImportFormat.BestBuy, SamplePath, output);

        Assert.Equal(29_526, expectedRows);
        Assert.Equal(0, result.BadLines);
        Assert.Equal(expectedRows, result.RecordsImported);
        Assert.Equal(2L * expectedRows, result.EventsWritten);
        var errors = new List<ImportError>();
        var events = JsonlEventFormat.ReadFile(output, errors.Add).ToList();
        Assert.Empty(errors);
        Assert.Equal(expectedRows, events.Count(e => e.Type == LogEventType.Search));
        Assert.Equal(expectedRows, events.Count(e => e.Type == LogEventType.Click && e.ItemId is not null));
    }

    [SharedDataFact(SharedData.BestBuyCsvFile)]
    public void ImportBestBuy_RealSample_FirstRowMatchesTheFile()
    {
        Assert.True(File.Exists(SamplePath), $"The Best Buy sample is missing: expected it at {SamplePath}.");

        // The sample has no quoted fields, so a plain split is a valid independent reading of row 1.
        var first = File.ReadLines(SamplePath).Skip(1).First().Split(',');
        var output = _dir.File("bestbuy.jsonl");

        EventImporter.Import(ImportFormat.BestBuy, SamplePath, output);
        var events = JsonlEventFormat.ReadFile(output).Take(2).ToList();

        Assert.Equal(LogEventType.Search, events[0].Type);
        Assert.Equal(first[0], events[0].UserId);
        Assert.Equal(first[3], events[0].Query);
        Assert.Equal(first[5], events[0].Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFF", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(LogEventType.Click, events[1].Type);
        Assert.Equal(first[1], events[1].ItemId);
        Assert.Equal(first[2], events[1].CategoryId);
        Assert.Equal(first[4], events[1].Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFF", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Counts '\n' bytes (plus an unterminated last line), minus the header line.</summary>
    private static long CountDataRowsByNewlines(string path)
    {
        var bytes = File.ReadAllBytes(path);
        long newlines = bytes.Count(b => b == (byte)'\n');
        if (bytes.Length > 0 && bytes[^1] != (byte)'\n')
        {
            newlines++;
        }

        return newlines - 1;
    }
}
