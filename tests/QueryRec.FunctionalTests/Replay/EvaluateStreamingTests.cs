using System.Text.Json;
using QueryRec.Indexer.Commands;

using static QueryRec.FunctionalTests.Replay.IndexerRun;

namespace QueryRec.FunctionalTests.Replay;

/// <summary><c>indexer evaluate</c> in its default mode: static MPC, streaming MPC and the heuristic through the in-process service.</summary>
public sealed class EvaluateStreamingTests : IDisposable
{
    private const double Tolerance = 1e-9;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-evaluate-" + Guid.NewGuid().ToString("N"));

    public EvaluateStreamingTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Evaluate_Streaming_HeuristicCreditsTheUsersOwnRareQuery_StaticMpcDoesNot()
    {
        // Before the split (and inside the 7-day warmup): "xbox 360" by 4 users, "xbox kinect" by 2, and "xbox rare
        // edition" once by "rare" (below the build's min count, so never indexed). After: "rare" searches it again, then
        // u9 searches "xbox 360".
        string[] lines =
        [
            .. Enumerable.Range(1, 4).Select(static i => Search($"u{i}", "xbox 360", $"2011-09-28T1{i}:00:00Z")),
            .. Enumerable.Range(1, 2).Select(static i => Search($"u{i}", "xbox kinect", $"2011-09-28T1{i}:30:00Z")),
            Search("rare", "xbox rare edition", "2011-09-29T10:00:00Z"),
            Search("rare", "xbox rare edition", "2011-10-02T10:00:00Z"),
            Search("u9", "xbox 360", "2011-10-03T10:00:00Z"),
        ];
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input, lines);
        var json = Path.Combine(_dir, "out.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--json", json], output, error);

        Assert.True(code == 0, error.ToString() + output);
        foreach (var column in new[] { "static MPC", "streaming MPC", "heuristic cold", "heuristic" })
        {
            Assert.Contains(column, output.ToString(), StringComparison.Ordinal);
        }

        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var rankers = doc.RootElement.GetProperty("rankers").EnumerateArray().ToDictionary(static r => r.GetProperty("name").GetString()!);
        Assert.Equal(["static MPC", "streaming MPC", "heuristic cold", "heuristic"], rankers.Keys);

        // Pairs: "xbox rare edition" 10 prefixes (capped at 10), "xbox 360" 8. "xbox 360" is first at each of its
        // prefixes for every ranker (the most searched). "xbox rare edition" is absent from the index and new to
        // streaming MPC at its only test search; the heuristic recalls it from the user's own history, first.
        var mpc = 8.0 / 18;
        Assert.Equal(mpc, Overall(rankers["static MPC"]), Tolerance);
        Assert.Equal(mpc, Overall(rankers["streaming MPC"]), Tolerance);
        Assert.Equal(1.0, Overall(rankers["heuristic"]), Tolerance);
        Assert.Equal(0.5, rankers["static MPC"].GetProperty("near").GetProperty("byPrefix")[0].GetProperty("mrr10").GetDouble(), Tolerance);
        Assert.Equal(1.0, rankers["heuristic"].GetProperty("near").GetProperty("byPrefix")[0].GetProperty("mrr10").GetDouble(), Tolerance);
        Assert.Equal((1.0 / mpc) - 1, rankers["heuristic"].GetProperty("relativeMrr10VsStaticMpc").GetDouble(), Tolerance);

        // Cold, nothing is reported: "xbox rare edition" is known only through the real-time store, so the cold service
        // scores as static MPC does, and below its streaming self.
        Assert.Equal(mpc, Overall(rankers["heuristic cold"]), Tolerance);
        Assert.Equal("cold", rankers["heuristic cold"].GetProperty("state").GetString());
        Assert.Equal("streaming", rankers["heuristic"].GetProperty("state").GetString());
        Assert.Equal(0, rankers["heuristic cold"].GetProperty("replay").GetProperty("reported").GetInt64());
        Assert.Equal(18, rankers["heuristic cold"].GetProperty("replay").GetProperty("suggests").GetInt64());

        // The replay reported the 7 warmup searches and the 2 test searches, all accepted, and asked 18 prefixes.
        var replay = rankers["heuristic"].GetProperty("replay");
        Assert.Equal(9, replay.GetProperty("accepted").GetInt64());
        Assert.Equal(0, replay.GetProperty("rejected").GetInt64());
        Assert.Equal(18, replay.GetProperty("suggests").GetInt64());
    }

    [Fact]
    public async Task Evaluate_WithModel_AddsTheLearnedColumnServedByTheModel()
    {
        var model = Path.Combine(_dir, "model.onnx");
        using var trainOutput = new StringWriter();
        Assert.Equal(0, await IndexerCli.RunAsync(["train", "--synthetic", "300", "--output", model], trainOutput, trainOutput));
        string[] lines =
        [
            .. Enumerable.Range(1, 3).Select(static i => Search($"u{i}", "xbox 360", $"2011-09-28T1{i}:00:00Z")),
            Search("u9", "xbox 360", "2011-10-03T10:00:00Z"),
        ];
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input, lines);
        var json = Path.Combine(_dir, "out.json");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--model", model, "--json", json], output, error);

        Assert.True(code == 0, error.ToString() + output);
        Assert.DoesNotContain("is not serving", error.ToString(), StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var learned = doc.RootElement.GetProperty("rankers").EnumerateArray().Single(static r => r.GetProperty("name").GetString() == "learned");
        Assert.Equal(8, learned.GetProperty("replay").GetProperty("suggests").GetInt64());
        Assert.Equal(8, learned.GetProperty("near").GetProperty("overall").GetProperty("cases").GetInt64());
    }

    private static double Overall(JsonElement ranker) => ranker.GetProperty("near").GetProperty("overall").GetProperty("mrr10").GetDouble();
}
