using System.Text.Json;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Discover;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;

using static QueryRec.FunctionalTests.Replay.IndexerRun;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>
/// <c>indexer push-export</c> end to end (issue 25): on a small log and the hand-made index of <see cref="BrowseHost"/>,
/// the export's lists equal what GetPushQueries answers through a real channel for the same subjects at the same time,
/// after the same events were reported (the export reading the log into its embedded store, or the host's Redis); and
/// bad options are refused with a message.
/// </summary>
public abstract class PushExportTests<THost>(THost host) : IDisposable
    where THost : BrowseHost
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qr-push-export-").FullName;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private List<LogEvent> Log()
    {
        var now = host.Time.GetUtcNow();
        string ann = "ann-" + _run, bob = "bob-" + _run, cy = "cy-" + _run;
        return
        [
            new LogEvent(LogEventType.Search, ann, "iPhone 15", now.AddHours(-3)),
            new LogEvent(LogEventType.Click, ann, "iphone 15", now.AddHours(-3).AddMinutes(1), ItemId: "sku-1", CategoryId: "phones"),
            new LogEvent(LogEventType.Search, bob, "airpods", now.AddHours(-2)),
            new LogEvent(LogEventType.Order, bob, string.Empty, now.AddHours(-2).AddMinutes(5), ItemId: "sku-1", Amount: 19m),
            new LogEvent(LogEventType.Search, cy, "tv", now.AddHours(-1)),
            new LogEvent(LogEventType.Search, ann, "iphone 15 case", now.AddMinutes(-30)),
        ];
    }

    [Fact]
    public async Task PushExport_SmallLog_SameListsAsTheRpcForTheSameSubjectsAndTime()
    {
        var log = Log();
        var events = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(events, log.Select(JsonlEventFormat.Format));
        var index = QueryRecFactory.WriteTempIndex(BrowseHost.BuildIndex());
        var output = Path.Combine(_dir, "push.jsonl");
        var reported = await host.Client.ReportEventsAsync(new ReportEventsRequest
        {
            Events = { log.Select((e, i) => StreamingReplay.ToEvent(e, i)!).Select(e => { e.EventId += "-" + _run; return e; }) },
        });
        Assert.Equal(log.Count, reported.Accepted);

        var (code, text) = await RunAsync([
            "push-export", .. Source(index, events), "--as-of", host.Time.GetUtcNow().ToString("O"), "--active-within", "1d",
            "--output", output, "--limit", "10", "--set", $"QueryRec:Strategies:PushDailyCap={BrowseHost.PushCap}"]);

        Assert.True(code == 0, text);

        // This test's subjects (the host's Redis also holds those of the class's other tests).
        var lines = (await File.ReadAllLinesAsync(output)).Select(static l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(l => l.GetProperty("subject").GetString()!.EndsWith(_run, StringComparison.Ordinal)).ToList();
        Assert.Equal(["u:ann-" + _run, "u:bob-" + _run, "u:cy-" + _run], lines.Select(static l => l.GetProperty("subject").GetString()).Order(StringComparer.Ordinal));
        foreach (var line in lines)
        {
            var subject = line.GetProperty("subject").GetString()!;
            var rpc = await host.Client.GetPushQueriesAsync(new GetPushQueriesRequest { UserId = subject[2..], Limit = 10 });
            var exported = line.GetProperty("queries").EnumerateArray()
                .Select(static q => (q.GetProperty("text").GetString()!, q.GetProperty("score").GetDouble(), q.GetProperty("reason").GetString()!))
                .ToList();
            Assert.NotEmpty(exported);
            Assert.Equal(rpc.Items.Select(static i => (i.Text, i.Score, ReasonName(i.Reason))), exported);
            Assert.Equal(rpc.Fallback, line.GetProperty("fallback").GetBoolean());
            Assert.Equal("push-v1", line.GetProperty("strategy").GetString());
        }

        // Ann's recent searches are not pushed; the click-back queries of what Bob bought are not his.
        var ann = lines.Single(l => l.GetProperty("subject").GetString() == "u:ann-" + _run);
        Assert.DoesNotContain("iphone 15 case", ann.GetProperty("queries").EnumerateArray().Select(static q => q.GetProperty("text").GetString()));
        var bob = lines.Single(l => l.GetProperty("subject").GetString() == "u:bob-" + _run);
        Assert.DoesNotContain("REASON_CLICKED_AFTER_VIEW", bob.GetProperty("queries").EnumerateArray().Select(static q => q.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task PushExport_ExperimentArm_IsInEveryLineAndItsOverrideApplies()
    {
        var log = Log();
        var events = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(events, log.Select(JsonlEventFormat.Format));
        await host.Client.ReportEventsAsync(new ReportEventsRequest
        {
            Events = { log.Select((e, i) => StreamingReplay.ToEvent(e, i)!).Select(e => { e.EventId += "-arm-" + _run; return e; }) },
        });
        var output = Path.Combine(_dir, "push.jsonl");

        var (code, text) = await RunAsync([
            "push-export", .. Source(QueryRecFactory.WriteTempIndex(BrowseHost.BuildIndex()), events), "--as-of", host.Time.GetUtcNow().ToString("O"),
            "--active-within", "1d", "--output", output,
            "--set", "QueryRec:Experiments:Layers:0:Name=push",
            "--set", "QueryRec:Experiments:Layers:0:Arms:0:Name=one",
            "--set", "QueryRec:Experiments:Layers:0:Arms:0:Share=100",
            "--set", "QueryRec:Experiments:Layers:0:Arms:0:Overrides:Strategies:PushDefaultLimit=1"]);

        Assert.True(code == 0, text);
        var lines = (await File.ReadAllLinesAsync(output)).Select(static l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        Assert.NotEmpty(lines);
        Assert.All(lines, static l =>
        {
            var arm = Assert.Single(l.GetProperty("arms").EnumerateArray());
            Assert.Equal(("push", "one"), (arm.GetProperty("layer").GetString(), arm.GetProperty("arm").GetString()));
            Assert.Single(l.GetProperty("queries").EnumerateArray()); // the arm's default limit, 1 (the code's is 3)
        });
    }

    [Theory]
    [InlineData("--as-of", "yesterday", "--as-of 'yesterday'")]
    [InlineData("--active-within", "0", "--active-within '0'")]
    [InlineData("--limit", "21", "--limit 21")]
    public async Task PushExport_BadOption_IsAUserErrorNamingIt(string option, string value, string message)
    {
        var events = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllTextAsync(events, string.Empty);
        var index = QueryRecFactory.WriteTempIndex(BrowseHost.BuildIndex());
        var args = new Dictionary<string, string> { ["--as-of"] = "2026-03-01T12:00:00Z", ["--active-within"] = "7d", ["--limit"] = "0" };
        args[option] = value;

        var (code, text) = await RunAsync([
            "push-export", "--index", index, "--events", events, "--output", Path.Combine(_dir, "out.jsonl"),
            .. args.SelectMany(static p => new[] { p.Key, p.Value })]);

        Assert.Equal(QueryRec.Indexer.Commands.IndexerCli.ExitUserError, code);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushExport_NoSourceOfRealtimeState_IsAUserError()
    {
        var (code, text) = await RunAsync("push-export", "--as-of", "2026-03-01T12:00:00Z", "--output", Path.Combine(_dir, "out.jsonl"));

        Assert.Equal(QueryRec.Indexer.Commands.IndexerCli.ExitUserError, code);
        Assert.Contains("--redis, or --events with --index", text, StringComparison.Ordinal);
    }

    /// <summary>Where the export reads the real-time state: the log, or the host's own store.</summary>
    protected abstract string[] Source(string index, string events);

    private static string ReasonName(Reason reason)
        => typeof(Reason).GetField(reason.ToString())!.GetCustomAttributes(typeof(Google.Protobuf.Reflection.OriginalNameAttribute), false)
            .OfType<Google.Protobuf.Reflection.OriginalNameAttribute>().Single().Name;
}

/// <summary>The export replays the log into its own embedded store.</summary>
public sealed class EmbeddedPushExportTests(EmbeddedBrowseHost host) : PushExportTests<EmbeddedBrowseHost>(host), IClassFixture<EmbeddedBrowseHost>
{
    protected override string[] Source(string index, string events) => ["--index", index, "--events", events];
}

/// <summary>The export reads the index and the real-time state the host serves from Redis.</summary>
public sealed class RedisPushExportTests(RedisBrowseHost host) : PushExportTests<RedisBrowseHost>(host), IClassFixture<RedisBrowseHost>
{
    private readonly RedisBrowseHost _host = host;

    protected override string[] Source(string index, string events) => ["--redis", _host.Store.Redis, "--key-prefix", _host.Store.KeyPrefix];
}
