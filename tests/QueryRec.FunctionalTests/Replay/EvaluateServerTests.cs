using System.Text.Json;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Replay;

using static QueryRec.FunctionalTests.Replay.IndexerRun;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>
/// <c>evaluate --server</c> against the real API on a loopback port (wall clock, no replay clock), serving the index
/// that <c>evaluate --write-index</c> wrote, scores as the in-process replay does.
/// </summary>
public sealed class EvaluateServerTests : IDisposable
{
    private const double Tolerance = 1e-9;

    private const string Split = "2011-10-01T00:00:00Z";

    // Trending off on both sides: a server on the wall clock sees the week of warmup arrive within seconds, so with
    // trending on, a query searched by 3 users that week would trend there and not in process (docs/evaluation.md).
    private static readonly Dictionary<string, string?> Settings = new() { ["QueryRec:Trending:MinDistinctUsers"] = "1000" };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-evaluate-server-" + Guid.NewGuid().ToString("N"));

    public EvaluateServerTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EvaluateServer_FreshServerOnThePreSplitIndex_SameMetricsAsInProcess()
    {
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input, Log());
        var index = Path.Combine(_dir, "pre-split.qrx");
        var inProcessJson = Path.Combine(_dir, "in-process.json");
        var (code, output) = await RunAsync("evaluate", "--input", input, "--split", Split, "--set", "QueryRec:Trending:MinDistinctUsers=1000", "--write-index", index, "--json", inProcessJson);
        Assert.True(code == 0, output);

        var serverSettings = InProcessPipeline.SettingsFor(new InProcessPipelineOptions(index) { Settings = Settings });
        serverSettings["QueryRec:Clock:Replay"] = "false";
        var serverJson = Path.Combine(_dir, "server.json");
        await using (var server = await LoopbackApi.StartAsync(serverSettings))
        {
            (code, output) = await RunAsync("evaluate", "--input", input, "--split", Split, "--server", server.Address.ToString(), "--json", serverJson);
        }

        Assert.True(code == 0, output);
        var inProcess = Rankers(inProcessJson);
        var overGrpc = Rankers(serverJson);
        Assert.Equal(["static MPC", "streaming MPC", "heuristic cold", "heuristic"], inProcess.Keys);
        Assert.Equal(["static MPC", "streaming MPC", "server heuristic-v1 cold", "server heuristic-v1"], overGrpc.Keys);
        foreach (var (local, remote) in new[] { ("static MPC", "static MPC"), ("streaming MPC", "streaming MPC"), ("heuristic cold", "server heuristic-v1 cold"), ("heuristic", "server heuristic-v1") })
        {
            foreach (var field in new[] { "near", "exact", "ownLastQuery" })
            {
                Assert.Equal(inProcess[local].GetProperty(field).GetRawText(), overGrpc[remote].GetProperty(field).GetRawText());
            }
        }

        // 38 pairs: me "xbox rare edition" 10, u3 "xbox kinect" 10, u9 "xbox 360" 8, me "xbox rare edition" 10.
        // Cold: the rare edition is in no index (searched once before the split) → 0 twice; kinect is 2nd below
        // "xbox 360" at "x" .. "xbox " and 1st from "xbox k" → 5 × 1/2 + 5; "xbox 360" 1st → 8. (2.5 + 5 + 8) / 38.
        // Streaming: the warmup reported me's and u3's earlier searches, so their own query comes first everywhere → 1.
        var cold = overGrpc["server heuristic-v1 cold"];
        var streaming = overGrpc["server heuristic-v1"];
        Assert.Equal(15.5 / 38, Overall(cold), Tolerance);
        Assert.Equal(1.0, Overall(streaming), Tolerance);

        // Own last query: both of me's test searches repeat a search of the 24 h before (12 h, then 3 h), 8 pairs each from L3.
        Assert.Equal(2, cold.GetProperty("ownLastQuery").GetProperty("searches").GetInt64());
        Assert.Equal(16, cold.GetProperty("ownLastQuery").GetProperty("cases").GetInt64());
        Assert.Equal(0, cold.GetProperty("ownLastQuery").GetProperty("mrr10").GetDouble(), Tolerance);
        Assert.Equal(1.0, streaming.GetProperty("ownLastQuery").GetProperty("mrr10").GetDouble(), Tolerance);

        // Cold reports nothing; streaming reports the 6 warmup and the 4 test searches, all accepted on the wall clock.
        Assert.Equal(0, cold.GetProperty("replay").GetProperty("reported").GetInt64());
        Assert.Equal(10, streaming.GetProperty("replay").GetProperty("accepted").GetInt64());
        Assert.Equal(0, streaming.GetProperty("replay").GetProperty("rejected").GetInt64());
    }

    /// <summary>
    /// Before the split (all inside the 7-day warmup): "xbox 360" by 3 users, "xbox kinect" by u3 and u4 (both indexed,
    /// min count 2), "xbox rare edition" once by me (not indexed). After: me again 12 h later, u3 kinect, u9 xbox 360,
    /// me again 3 h after the first.
    /// </summary>
    private static string[] Log() =>
    [
        Search("u1", "xbox 360", "2011-09-28T10:00:00Z"),
        Search("u2", "xbox 360", "2011-09-28T11:00:00Z"),
        Search("u5", "xbox 360", "2011-09-28T12:00:00Z"),
        Search("u3", "xbox kinect", "2011-09-28T13:00:00Z"),
        Search("u4", "xbox kinect", "2011-09-28T14:00:00Z"),
        Search("me", "xbox rare edition", "2011-09-30T20:00:00Z"),
        Search("me", "xbox rare edition", "2011-10-01T08:00:00Z"),
        Search("u3", "xbox kinect", "2011-10-01T09:00:00Z"),
        Search("u9", "xbox 360", "2011-10-01T10:00:00Z"),
        Search("me", "xbox rare edition", "2011-10-01T11:00:00Z"),
    ];


    private static Dictionary<string, JsonElement> Rankers(string json)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        return doc.RootElement.GetProperty("rankers").EnumerateArray().ToDictionary(static r => r.GetProperty("name").GetString()!, static r => r.Clone());
    }

    private static double Overall(JsonElement ranker) => ranker.GetProperty("near").GetProperty("overall").GetProperty("mrr10").GetDouble();
}
