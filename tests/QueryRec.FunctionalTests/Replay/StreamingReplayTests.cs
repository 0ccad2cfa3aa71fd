using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Storage;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>The streaming replay engine against the in-process service: Suggest per prefix first, then the event.</summary>
public sealed class StreamingReplayTests : IDisposable
{
    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-replay-" + Guid.NewGuid().ToString("N"));
    private readonly string _index;

    public StreamingReplayTests()
    {
        Directory.CreateDirectory(_dir);
        _index = Path.Combine(_dir, "index.qrx");
        IndexFile.WriteFile(TestIndexes.FromQueries("v1", new Dictionary<string, long> { ["xbox 360"] = 50, ["zune"] = 5 }), _index);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RunAsync_AsksEachPrefixBeforeReportingTheSearch_AndWarmupOnlyReports()
    {
        LogEvent[] events =
        [
            new(LogEventType.Search, "ann", "Old Query", Split.AddDays(-30)),             // before the warmup: skipped
            new(LogEventType.Search, "ann", "zune hd", Split.AddDays(-1)),                // warmup: reported only
            new(LogEventType.Click, "ann", "zune hd", Split.AddDays(-1).AddMinutes(1), ItemId: "sku1", CategoryId: "cat1"),
            new(LogEventType.Search, "ann", "Zune HD", Split.AddHours(1)),                // test
            new(LogEventType.Search, "bob", "zune hd", Split.AddHours(2)),                // test: ann's search is not bob's history
            new(LogEventType.Click, "bob", "zune hd", Split.AddHours(2).AddMinutes(1)),   // no item: not sendable
        ];
        var calls = new List<(string User, string Query, int Length, string First)>();
        await using var service = await InProcessPipeline.StartAsync(
            new InProcessPipelineOptions(_index) { Settings = new Dictionary<string, string?> { ["QueryRec:Clock:ReplayStart"] = Split.AddDays(-7).ToString("O") } },
            CancellationToken.None);

        var stats = await StreamingReplay.RunAsync(
            events,
            service,
            new StreamingReplayOptions(Split) { WarmupFrom = Split.AddDays(-7), MaxPrefix = 3 },
            (e, query, length, response) =>
            {
                calls.Add((e.UserId, query, length, response.Items.Count > 0 ? response.Items[0].Text : string.Empty));
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);

        Assert.Equal(
            [("ann", "zune hd", 1, "zune hd"), ("ann", "zune hd", 2, "zune hd"), ("ann", "zune hd", 3, "zune hd"),
             ("bob", "zune hd", 1, "zune"), ("bob", "zune hd", 2, "zune"), ("bob", "zune hd", 3, "zune")],
            calls);
        Assert.Equal(2, stats.TestSearches);
        Assert.Equal(6, stats.Suggests);
        Assert.Equal(4, stats.Reported);
        Assert.Equal(4, stats.Accepted);
        Assert.Equal(0, stats.Rejected);
        Assert.Equal(2, stats.Skipped);
        Assert.Equal(0, stats.DegradedSuggests);
    }
}
