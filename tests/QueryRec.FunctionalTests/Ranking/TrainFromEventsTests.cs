using System.Globalization;
using System.Text.Json;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Ranking;

namespace QueryRec.FunctionalTests.Ranking;

/// <summary>
/// <c>indexer train --events</c>: a tiny generated log replayed through the in-process service, the rows its feature
/// log recorded turned into groups, a model trained on them and served by the real host. Run alone (not beside the
/// parallel test classes): the determinism check compares two replays whose store budgets run on the wall clock, and
/// a thread pool starved by other tests could make one of them late where the other was not.
/// </summary>
[Collection(TrainFromEventsCollection.Name)]
public sealed class TrainFromEventsTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2011, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private const string From = "2011-09-11T00:00:00Z";
    private const string Until = "2011-09-15T00:00:00Z";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-train-events-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    /// <summary>14 days of searches: skewed query popularity, users who come back to their own queries, a few clicks.</summary>
    private static List<LogEvent> Log()
    {
        string[] queries =
        [
            "apple iphone 4s", "apple ipad 2", "apple tv", "samsung galaxy", "samsung tv", "sony tv", "sony camera",
            "ipod touch", "ipod nano", "kindle fire", "kinect", "xbox 360", "iphone case", "ipad case",
        ];
        var random = new Random(5);
        var events = new List<LogEvent>();
        var favourite = new Dictionary<int, string>();
        for (var day = 0; day < 14; day++)
        {
            for (var k = 0; k < 24; k++)
            {
                var user = random.Next(30);
                var time = Start + TimeSpan.FromDays(day) + TimeSpan.FromMinutes((k * 60) + random.Next(50));
                string query;
                if (favourite.TryGetValue(user, out var own) && random.NextDouble() < 0.4)
                {
                    query = own;
                }
                else
                {
                    // Zipf-like: low indexes are more popular; the popular end drifts over the days (fresh counts matter).
                    var i = (int)Math.Floor(Math.Pow(random.NextDouble(), 2) * queries.Length);
                    query = queries[(i + (day / 5)) % queries.Length];
                    favourite[user] = query;
                }

                events.Add(new LogEvent(LogEventType.Search, $"u{user}", query, time));
                if (random.NextDouble() < 0.3)
                {
                    events.Add(new LogEvent(LogEventType.Click, $"u{user}", query, time.AddSeconds(20), ItemId: $"item-{query.Length}", CategoryId: "cat1"));
                }
            }
        }

        return events;
    }

    private string WriteLog()
    {
        var path = PathOf("events.jsonl");
        using var writer = JsonlEventFormat.CreateWriter(path);
        JsonlEventFormat.Write(Log(), writer);
        return path;
    }

    private static async Task<(int Code, string Out)> Run(params string[] args)
    {
        using var output = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, output);
        return (code, output.ToString());
    }

    private async Task<(string Onnx, string Rows, JsonElement Card, string Out)> Train(string events, string name, params string[] extra)
    {
        var dir = Directory.CreateDirectory(PathOf(name)).FullName;
        var onnx = Path.Combine(dir, "model.onnx");
        var rows = Path.Combine(dir, "rows.tsv");
        string[] args =
        [
            "train", "--events", events, "--from", From, "--until", Until, "--output", onnx, "--rows-output", rows,
            "--iterations", "20", "--leaves", "4", "--min-rows-per-leaf", "2", "--seed", "3",
            "--set", "QueryRec:Trending:MinDistinctUsers=1", "--set", "QueryRec:Realtime:TrendingWindow=7.00:00:00", .. extra,
        ];
        var (code, output) = await Run(args);
        Assert.True(code == 0, output);
        using var card = JsonDocument.Parse(File.ReadAllText(RankerTrainer.CardPath(onnx)));
        return (onnx, rows, card.RootElement.Clone(), output);
    }

    [Fact]
    public async Task TrainEvents_GroupsHaveOnePositive_SameSeedSameBytes_AndTheServerServesTheModel()
    {
        var events = WriteLog();

        var first = await Train(events, "first");
        var second = await Train(events, "second");

        // Rows output: the --input format, one positive per group, as many groups and rows as the card counts.
        var lines = File.ReadAllLines(first.Rows);
        Assert.Equal(LtrDataset.Header, lines[0]);
        var rows = LtrDataset.Read(first.Rows, 1_000_000);
        var groups = rows.GroupBy(r => r.Group).ToList();
        Assert.NotEmpty(groups);
        Assert.All(groups, g => Assert.Equal(1, g.Count(r => r.Label == 1)));
        Assert.All(rows, r => Assert.True(r.Label is 0 or 1));
        Assert.Equal(groups.Count, first.Card.GetProperty("groups").GetInt32());
        Assert.Equal(rows.Count, first.Card.GetProperty("rows").GetInt32());

        // At most one group per replayed (search, prefix length ≤ 10).
        var replayed = Log().Where(e => e.Type == LogEventType.Search && e.Time >= DateTimeOffset.Parse(From, CultureInfo.InvariantCulture)
            && e.Time < DateTimeOffset.Parse(Until, CultureInfo.InvariantCulture)).Sum(e => Math.Min(10, e.Query.Length));
        Assert.InRange(groups.Count, 1, replayed);

        // Determinism: the same log and seed give the same rows, model bytes and metrics.
        Assert.Equal(File.ReadAllBytes(first.Rows), File.ReadAllBytes(second.Rows));
        Assert.Equal(File.ReadAllBytes(first.Onnx), File.ReadAllBytes(second.Onnx));
        Assert.Equal(first.Card.GetProperty("metrics").GetRawText(), second.Card.GetProperty("metrics").GetRawText());

        // The model loads in the real server and answers with the card's version.
        var index = PathOf("index.qrx");
        Assert.Equal(0, (await Run("build", "--input", events, "--output", index)).Code);
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = index,
            ["QueryRec:Ranking:Model:Path"] = first.Onnx,
        });
        var client = factory.CreateClient(factory.CreateChannel());
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ap", UserId = "u1" });
        Assert.Equal(first.Card.GetProperty("model_version").GetString(), response.Metadata.ModelVersion);
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
        Assert.NotEmpty(response.Items);
    }

    [Fact]
    public async Task TrainEvents_RebuildEvery_RebuildsEachReplayedDay_AndTheRowsSeeTheNewIndex()
    {
        var events = WriteLog();

        var frozen = await Train(events, "frozen");
        var nightly = await Train(events, "nightly", "--rebuild-every", "1d");

        // From 09-11 to 09-15: rebuilds at 09-12, 09-13 and 09-14 (every day has searches).
        Assert.Contains("index rebuilt and published", nightly.Out, StringComparison.Ordinal);
        Assert.Contains("3 times", nightly.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("index rebuilt and published", frozen.Out, StringComparison.Ordinal);

        // The same searches are replayed, but the index popularity the rows carry follows the rebuilt indexes.
        var popularity = FeatureSchema.Names.ToList().IndexOf("popularity_log");
        Assert.True(popularity >= 0);
        var before = LtrDataset.Read(frozen.Rows, 1_000_000).Select(r => r.Features[popularity]).ToList();
        var after = LtrDataset.Read(nightly.Rows, 1_000_000).Select(r => r.Features[popularity]).ToList();
        Assert.NotEqual(before, after);
    }

    [Theory]
    [InlineData("--from", "2011-09-20T00:00:00Z", "must be before --until")]
    [InlineData("--from", "2010-01-01T00:00:00Z", "no event before --from")]
    [InlineData("--from", "yesterday", "--from 'yesterday' is not a date")]
    public async Task TrainEvents_BadRange_ClearError(string option, string value, string message)
    {
        var events = WriteLog();

        var (code, output) = await Run("train", "--events", events, "--until", Until, option, value, "--output", PathOf("bad.onnx"));

        Assert.Equal(1, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainEvents_CardCarriesTheGuardFigures_OfAWindowTheModelDidNotTrainOn()
    {
        var events = WriteLog();

        var trained = await Train(events, "guarded", "--guard-window", "1d");

        // The training replay stops where the guard's window starts.
        Assert.Contains("2011-09-11T00:00:00.0000000+00:00 .. 2011-09-14T00:00:00.0000000+00:00, warm", trained.Out, StringComparison.Ordinal);
        var guard = trained.Card.GetProperty("guard");
        Assert.Equal(new DateTimeOffset(2011, 9, 14, 0, 0, 0, TimeSpan.Zero), guard.GetProperty("from").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2011, 9, 15, 0, 0, 0, TimeSpan.Zero), guard.GetProperty("until").GetDateTimeOffset());
        Assert.Equal(24, guard.GetProperty("searches").GetInt64()); // one day of the log: 24 searches
        foreach (var side in (string[])["heuristic", "learned"])
        {
            Assert.InRange(guard.GetProperty(side).GetProperty("cold").GetDouble(), 0, 1);
            Assert.InRange(guard.GetProperty(side).GetProperty("streaming").GetDouble(), 0, 1);
        }

        var passed = guard.GetProperty("passed").GetBoolean();
        Assert.Equal(passed, guard.GetProperty("losses").GetArrayLength() == 0);
        Assert.Contains(passed ? "passed: build --model and publish-model accept it" : "FAILED (", trained.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainEvents_ModelThatLosesOnItsGuardWindow_IsRefusedByBuildAndPublishModel_AndForceBuildsIt()
    {
        var events = WriteLog();

        // Blind to everything but the candidate's length: it cannot know what users search.
        var blind = string.Join(',', FeatureSchema.Names.Where(static n => n != "candidate_length"));
        var trained = await Train(events, "blind", "--guard-window", "2d", "--ignore-features", blind);
        Assert.False(trained.Card.GetProperty("guard").GetProperty("passed").GetBoolean(), trained.Out);

        var index = PathOf("blind.qrx");
        var (code, output) = await Run("build", "--input", events, "--model", trained.Onnx, "--output", index);
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("loses to the heuristic on its held-out window (streaming: MRR@10", output, StringComparison.Ordinal);
        Assert.False(File.Exists(index));

        // publish-model checks the model before it connects: refused without reaching any Redis.
        (code, output) = await Run("publish-model", "--model", trained.Onnx, "--redis", "127.0.0.1:1");
        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("loses to the heuristic", output, StringComparison.Ordinal);

        (code, output) = await Run("build", "--input", events, "--model", trained.Onnx, "--force", "--output", index);
        Assert.True(code == 0, output);
        Assert.Contains("published because of --force", output, StringComparison.Ordinal);
        Assert.True(File.Exists(index));
    }

    [Fact]
    public async Task TrainEvents_WarmAndColdStates_TrainOnTheGroupsOfBoth()
    {
        var events = WriteLog();

        var warm = await Train(events, "warm", "--guard-window", "0");
        var both = await Train(events, "both", "--guard-window", "0", "--states", "cold,warm");

        // The cold replay recalls from the index alone (no history, no trending): its groups come on top of the warm ones.
        var warmGroups = warm.Card.GetProperty("groups").GetInt32();
        Assert.InRange(both.Card.GetProperty("groups").GetInt32(), warmGroups + 1, 2 * warmGroups);
        Assert.False(warm.Card.TryGetProperty("guard", out _));
        Assert.Contains("warm,cold", both.Out.Replace("cold,warm", "warm,cold", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--states", "hot", "--states 'hot' must list warm and/or cold")]
    [InlineData("--states", "warm,warm", "--states 'warm,warm' must list warm and/or cold")]
    [InlineData("--guard-window", "4d", "leaves nothing of")]
    [InlineData("--guard-window", "soon", "--guard-window 'soon' is not a duration")]
    [InlineData("--guard-tolerance", "2", "--guard-tolerance must be from 0 to 1")]
    public async Task TrainEvents_BadStateOrGuardOption_ClearError(string option, string value, string message)
    {
        var events = WriteLog();

        var (code, output) = await Run("train", "--events", events, "--from", From, "--until", Until, option, value, "--output", PathOf("bad.onnx"));

        Assert.Equal(1, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}
