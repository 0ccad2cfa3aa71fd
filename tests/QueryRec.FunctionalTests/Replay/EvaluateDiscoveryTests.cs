using System.Text.Json;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Replay;

using static QueryRec.FunctionalTests.Replay.IndexerRun;

namespace QueryRec.FunctionalTests.Replay;

/// <summary><c>indexer evaluate --discovery</c> end to end, in process, on a log whose figures are counted by hand.</summary>
public sealed class EvaluateDiscoveryTests : IDisposable
{
    private const double Tolerance = 1e-9;

    private const string Split = "2011-10-01T00:00:00Z";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-evaluate-discovery-" + Guid.NewGuid().ToString("N"));

    public EvaluateDiscoveryTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EvaluateDiscovery_TwoNextQueryCases_RelatedFindsTheCoClickedOneOnly()
    {
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input, Log());
        var json = Path.Combine(_dir, "out.json");

        var (code, output) = await RunAsync("evaluate", "--discovery", "--input", input, "--split", Split, "--json", json);

        Assert.True(code == 0, output);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        var columns = doc.RootElement.GetProperty("columns").EnumerateArray().ToDictionary(static c => c.GetProperty("name").GetString()!);
        var related = columns["RELATED"];
        Assert.Equal(2, related.GetProperty("cases").GetInt64());
        Assert.Equal(0.5, related.GetProperty("hitRate5").GetDouble(), Tolerance);
        Assert.Equal(0.5, related.GetProperty("hitRate10").GetDouble(), Tolerance);
        Assert.Equal(2, related.GetProperty("known").GetInt64()); // both first queries are in the index
        Assert.Equal(0.5, related.GetProperty("coverage").GetDouble(), Tolerance); // "kindle" links to nothing
        Assert.Equal(0.5, columns["RELATED ∪ REFINE"].GetProperty("hitRate10").GetDouble(), Tolerance);
        Assert.Equal(0, columns["REFINE"].GetProperty("hits10").GetInt64());
        Assert.Equal(1, columns["HOT (baseline)"].GetProperty("hits10").GetInt64()); // three known queries: all hot
    }

    [Fact]
    public async Task EvaluateDiscovery_ThroughAServerOnThePreSplitIndex_SameFiguresAsInProcess()
    {
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input, Log());
        var index = Path.Combine(_dir, "pre-split.qrx");
        var inProcessJson = Path.Combine(_dir, "in-process.json");
        var (code, output) = await RunAsync("evaluate", "--discovery", "--input", input, "--split", Split, "--set", "QueryRec:Trending:MinDistinctUsers=1000", "--write-index", index, "--json", inProcessJson);
        Assert.True(code == 0, output);

        // Trending off on both sides: the server sees the warmup arrive on the wall clock within seconds.
        var settings = InProcessPipeline.SettingsFor(new InProcessPipelineOptions(index) { Settings = new Dictionary<string, string?> { ["QueryRec:Trending:MinDistinctUsers"] = "1000" } });
        settings["QueryRec:Clock:Replay"] = "false";
        var serverJson = Path.Combine(_dir, "server.json");
        await using (var server = await LoopbackApi.StartAsync(settings))
        {
            (code, output) = await RunAsync("evaluate", "--discovery", "--input", input, "--split", Split, "--server", server.Address.ToString(), "--json", serverJson);
        }

        Assert.True(code == 0, output);
        Assert.Equal(Columns(inProcessJson).GetRawText(), Columns(serverJson).GetRawText());
        Assert.Equal(1, Columns(serverJson)[0].GetProperty("hits5").GetInt64()); // RELATED's co-clicked hit: not an empty run
    }

    private static JsonElement Columns(string json)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        return doc.RootElement.GetProperty("columns").Clone();
    }


    private static string[] Log()
    {
        // Before the split: "playstation 3" and "ps3 controller" (two users each) lead to clicks on the same item, so
        // the co-click graph links them; "kindle" (two users) has an item of its own and a category of its own.
        // After: t1 searches "playstation 3" then "ps3 controller" 10 min later (case 1: RELATED shows it); t2 searches
        // "kindle" then "nook" (case 2: "nook" is unknown, nothing shows it); t3's two searches are 2 h apart (no case).
        return
        [
            .. SearchAndClick("u1", "playstation 3", "2011-09-28T10:00:00Z", "sku-ds", "games"),
            .. SearchAndClick("u2", "playstation 3", "2011-09-28T11:00:00Z", "sku-ds", "games"),
            .. SearchAndClick("u3", "ps3 controller", "2011-09-28T12:00:00Z", "sku-ds", "games"),
            .. SearchAndClick("u4", "ps3 controller", "2011-09-28T13:00:00Z", "sku-ds", "games"),
            .. SearchAndClick("u5", "kindle", "2011-09-28T14:00:00Z", "sku-k", "books"),
            .. SearchAndClick("u6", "kindle", "2011-09-28T15:00:00Z", "sku-k", "books"),
            Search("t1", "playstation 3", "2011-10-02T10:00:00Z"),
            Search("t1", "ps3 controller", "2011-10-02T10:10:00Z"),
            Search("t2", "kindle", "2011-10-02T11:00:00Z"),
            Search("t2", "nook", "2011-10-02T11:05:00Z"),
            Search("t3", "kindle", "2011-10-02T12:00:00Z"),
            Search("t3", "ps3 controller", "2011-10-02T14:00:00Z"),
        ];
    }

    private static string[] SearchAndClick(string user, string query, string time, string item, string category)
    {
        var clicked = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture).AddMinutes(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return [Search(user, query, time), $$"""{"type":"click","user":"{{user}}","query":"{{query}}","time":"{{clicked}}","item":"{{item}}","category":"{{category}}"}"""];
    }
}
