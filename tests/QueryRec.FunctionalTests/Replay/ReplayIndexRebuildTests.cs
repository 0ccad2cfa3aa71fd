using System.Text.Json;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Storage;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>
/// The nightly rebuild of a streaming replay (<c>--rebuild-every</c>): the running service swaps in an index built from
/// the events before each rebuild time, and from nothing later.
/// </summary>
public sealed class ReplayIndexRebuildTests : IDisposable
{
    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-rebuild-" + Guid.NewGuid().ToString("N"));

    public ReplayIndexRebuildTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// "zelda" is searched twice on the first test day (the build's minimum count), "zorro" twice on the second day
    /// after midnight; then, on the second day, "dan" types both. Under the default trending settings (1-hour window,
    /// 3 distinct users) neither trends, and dan has no history, so only the index can show them.
    /// </summary>
    private static LogEvent[] Events() =>
    [
        new(LogEventType.Search, "u1", "xbox 360", Split.AddDays(-2)),
        new(LogEventType.Search, "u2", "xbox 360", Split.AddDays(-2).AddHours(1)),
        new(LogEventType.Search, "ann", "zelda", Split.AddHours(10)),
        new(LogEventType.Search, "bob", "zelda", Split.AddHours(11)),
        new(LogEventType.Search, "cat", "zorro", Split.AddDays(1).AddHours(1)),
        new(LogEventType.Search, "eve", "zorro", Split.AddDays(1).AddHours(2)),
        new(LogEventType.Search, "dan", "zelda", Split.AddDays(1).AddHours(12)),
        new(LogEventType.Search, "dan", "zorro", Split.AddDays(1).AddHours(13)),
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StreamingReplay_RebuildsFromTheEventsBeforeEachRebuildTimeOnly(bool rebuild)
    {
        var events = Events();
        var index = Path.Combine(_dir, "index.qrx");
        IndexFile.WriteFile(TestIndexes.FromQueries("v1", new Dictionary<string, long> { ["xbox 360"] = 2 }), index);
        var shown = new Dictionary<(string Query, int Length), string[]>();
        await using var service = await InProcessPipeline.StartAsync(
            new InProcessPipelineOptions(index) { Settings = new Dictionary<string, string?> { ["QueryRec:Clock:ReplayStart"] = Split.AddDays(-7).ToString("O") } },
            CancellationToken.None);
        var options = new StreamingReplayOptions(Split) { WarmupFrom = Split.AddDays(-7), MaxPrefix = 2, RebuildEvery = rebuild ? TimeSpan.FromDays(1) : null };

        var stats = await StreamingReplay.RunAsync(
            events,
            service,
            options,
            (e, query, length, response) =>
            {
                if (e.UserId == "dan")
                {
                    shown[(query, length)] = [.. response.Items.Select(static i => i.Text)];
                }

                return ValueTask.CompletedTask;
            },
            CancellationToken.None,
            rebuild ? ReplayIndexRebuild.For(events, service, TimeProvider.System) : null);

        // One rebuild time (split + 1 day) is passed by the events; split + 2 days is not.
        Assert.Equal(rebuild ? 1 : 0, stats.Rebuilds);
        Assert.Equal(0, stats.DegradedSuggests);
        Assert.Equal(rebuild, shown[("zelda", 2)].Contains("zelda"));

        // "zorro" was searched after the rebuild time: the nightly index does not have it yet.
        Assert.DoesNotContain("zorro", shown[("zorro", 2)]);
    }

    [Fact]
    public async Task StreamingReplay_RebuildTimes_AreOnTheSpanGrid_AndAGapRebuildsOnce()
    {
        var index = Path.Combine(_dir, "index.qrx");
        IndexFile.WriteFile(TestIndexes.FromQueries("v1", new Dictionary<string, long> { ["xbox 360"] = 2 }), index);
        await using var service = await InProcessPipeline.StartAsync(
            new InProcessPipelineOptions(index) { Settings = new Dictionary<string, string?> { ["QueryRec:Clock:ReplayStart"] = Split.ToString("O") } },
            CancellationToken.None);
        LogEvent[] events =
        [
            new(LogEventType.Search, "ann", "zelda", Split.AddHours(1)),
            new(LogEventType.Search, "ann", "zelda", Split.AddDays(1).AddHours(6)),
            new(LogEventType.Search, "ann", "zelda", Split.AddDays(4).AddHours(6)),
        ];
        var asked = new List<DateTimeOffset>();

        var stats = await StreamingReplay.RunAsync(
            events,
            service,
            new StreamingReplayOptions(Split) { MaxPrefix = 1, RebuildEvery = TimeSpan.FromDays(1) },
            (_, _, _, _) => ValueTask.CompletedTask,
            CancellationToken.None,
            (at, _) =>
            {
                asked.Add(at);
                return Task.CompletedTask;
            });

        Assert.Equal([Split.AddDays(1), Split.AddDays(4)], asked);
        Assert.Equal(2, stats.Rebuilds);
    }

    [Fact]
    public async Task PublishIndexAsync_ServiceAnswersFromThePublishedVersion()
    {
        var index = Path.Combine(_dir, "index.qrx");
        IndexFile.WriteFile(TestIndexes.FromQueries("v1", new Dictionary<string, long> { ["xbox 360"] = 2 }), index);
        await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(index), CancellationToken.None);
        var request = new QueryRec.Contracts.V1.SuggestRequest { Prefix = "ze", Limit = 10 };
        Assert.Empty((await service.SuggestAsync(request, CancellationToken.None)).Items);

        await service.PublishIndexAsync(TestIndexes.FromQueries("v2", new Dictionary<string, long> { ["zelda"] = 3 }), CancellationToken.None);

        Assert.Equal("zelda", Assert.Single((await service.SuggestAsync(request, CancellationToken.None)).Items).Text);
    }

    [Fact]
    public async Task Evaluate_RebuildEvery_RaisesTheServiceNotStaticMpc()
    {
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input, Events().Select(static e =>
            JsonSerializer.Serialize(new { type = "search", user = e.UserId, query = e.Query, time = e.Time.ToString("O") })));

        var without = await EvaluateAsync(input, "0");
        var with = await EvaluateAsync(input, "1d");

        Assert.Equal(0, without.Rebuilds);
        Assert.Equal(1, with.Rebuilds);
        Assert.Equal(without.StaticMpc, with.StaticMpc, 1e-12);
        Assert.True(with.Heuristic > without.Heuristic, $"heuristic MRR@10 {with.Heuristic} with the rebuild, {without.Heuristic} without");
    }

    [Fact]
    public async Task Evaluate_RebuildEvery_BelowAnHour_IsAClearError()
    {
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input, Events().Select(static e =>
            JsonSerializer.Serialize(new { type = "search", user = e.UserId, query = e.Query, time = e.Time.ToString("O") })));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--rebuild-every", "5m"], output, error);

        Assert.Equal(1, code);
        Assert.Contains("--rebuild-every '5m'", error.ToString(), StringComparison.Ordinal);
    }

    private async Task<(double StaticMpc, double Heuristic, long Rebuilds)> EvaluateAsync(string input, string every)
    {
        var json = Path.Combine(_dir, $"out-{every}.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--rebuild-every", every, "--json", json], output, error);
        Assert.True(code == 0, error.ToString() + output);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var rankers = doc.RootElement.GetProperty("rankers").EnumerateArray().ToDictionary(static r => r.GetProperty("name").GetString()!);
        var mrr = (string name) => rankers[name].GetProperty("near").GetProperty("overall").GetProperty("mrr10").GetDouble();
        return (mrr("static MPC"), mrr("heuristic"), rankers["heuristic"].GetProperty("replay").GetProperty("rebuilds").GetInt64());
    }
}
