using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Serving.Ranking;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// Feature logging at serving (<see cref="IRankingFeatureLog"/>) through the real host and gRPC channel: the logged
/// rows are the vectors the model scores, for the heuristic as well, in the served order.
/// </summary>
public sealed class SuggestFeatureLogTests : IDisposable
{
    private static readonly Dictionary<string, long> Counts = SuggestEmbeddedTests.Counts;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-featurelog-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Keeps every record by request id.</summary>
    private sealed class CapturingLog : IRankingFeatureLog
    {
        public ConcurrentDictionary<string, RankingFeatureRecord> Records { get; } = new(StringComparer.Ordinal);

        public void Record(RankingFeatureRecord record) => Records[record.RequestId] = record;
    }

    private static QueryRecFactory Host(string modelPath, CapturingLog? log)
    {
        var index = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("v-featurelog-1", Counts));
        return new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = index,
            ["QueryRec:Ranking:Model:Path"] = modelPath,
            // These calls carry no real-time signal: the model must still rank them (this test is about the model, not the
            // learned ranker's cold-start guard).
            ["QueryRec:Ranking:Model:HeuristicWithoutSignal"] = "false",
        })
        {
            TestServices = log is null ? null : services => services.AddSingleton<IRankingFeatureLog>(log),
        };
    }

    private string TrainModel() => RankingTestModels.TrainSynthetic(_dir.FullName);

    /// <summary>The vector of a prefix-table candidate of <paramref name="prefix"/> for an anonymous caller, from the index counts.</summary>
    private static float[] ExpectedPrefixVector(string prefix, string text) => FeatureSchema.ToVector(new RankingFeatureValues
    {
        DecayedPopularity = Counts[text],
        NodeMaxPopularity = Counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Max(c => c.Value),
        MatchType = RankingMatchType.Prefix,
        PrefixLength = prefix.Length,
        CandidateLength = text.Length,
    });

    [Fact]
    public async Task Suggest_WithModel_LogsTheScoredVectorsInServedOrder()
    {
        var onnx = TrainModel();
        var log = new CapturingLog();
        using var factory = Host(onnx, log);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge", Limit = 2 });

        var record = Assert.Single(log.Records.Values);
        Assert.Equal(response.Metadata.RequestId, record.RequestId);
        Assert.Equal("ge", record.NormalizedPrefix);
        Assert.Equal(response.Metadata.ModelVersion, record.ModelVersion);
        Assert.NotEqual(HeuristicScorer.ModelVersion, record.ModelVersion);

        // The whole ordered list, not only the 2 shown: every "ge" completion of the index.
        var expectedTexts = Counts.Keys.Where(k => k.StartsWith("ge", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(expectedTexts, record.Candidates.Select(c => c.Text).Order(StringComparer.Ordinal));
        Assert.Equal(response.Items.Select(i => i.Text), record.Candidates.Take(2).Select(c => c.Text));

        // Each row is the schema vector of the candidate, and the model's score of that row is the served score.
        var scores = RankingTestModels.OnnxScores(onnx, [.. record.Candidates.Select(c => c.Features)]);
        for (var i = 0; i < record.Candidates.Count; i++)
        {
            var c = record.Candidates[i];
            Assert.Equal(ExpectedPrefixVector("ge", c.Text), c.Features);
            Assert.Equal(scores[i], c.Score, 5);
        }

        Assert.All(response.Items, item => Assert.Equal(scores[record.Candidates.ToList().FindIndex(c => c.Text == item.Text)], item.Score, 5));
        var ordered = record.Candidates.Select(c => c.Score).ToList();
        Assert.Equal(ordered.OrderDescending(), ordered);
    }

    [Fact]
    public async Task Suggest_Heuristic_LogsTheSameVectorsAndTheUsersHistory()
    {
        var log = new CapturingLog();
        using var factory = Host(string.Empty, log);
        var client = factory.CreateClient(factory.CreateChannel());
        var ack = await client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = "e-log-1",
                    Type = EventType.SearchSubmitted,
                    UserId = "u-log",
                    Query = "geforce gtx",
                    Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(TimeProvider.System.GetUtcNow()),
                },
            },
        });
        Assert.Equal(1, ack.Accepted);

        var anonymous = await client.SuggestAsync(new SuggestRequest { Prefix = "gea" });
        var personal = await client.SuggestAsync(new SuggestRequest { Prefix = "ge", UserId = "u-log" });

        var a = log.Records[anonymous.Metadata.RequestId];
        Assert.Equal(HeuristicScorer.ModelVersion, a.ModelVersion);
        Assert.Equal(anonymous.Items.Select(i => i.Text), a.Candidates.Take(anonymous.Items.Count).Select(c => c.Text));
        Assert.All(a.Candidates, c => Assert.Equal(ExpectedPrefixVector("gea", c.Text), c.Features));

        // The user's own past search: history affinity near 1 (searched just now), first in the heuristic order.
        var p = log.Records[personal.Metadata.RequestId];
        Assert.Equal("geforce gtx", p.Candidates[0].Text);
        Assert.Equal("geforce gtx", personal.Items[0].Text);
        var history = FeatureSchema.Names.ToList().IndexOf("user_history_affinity");
        Assert.InRange(p.Candidates[0].Features[history], 0.99f, 1f);
        Assert.All(p.Candidates.Skip(1), c => Assert.Equal(0f, c.Features[history]));
        Assert.All(p.Candidates.Skip(1), c => Assert.Equal(ExpectedPrefixVector("ge", c.Text), c.Features));
    }

    [Fact]
    public async Task Suggest_IndexBuiltFromALogWithOutcomes_LogsItsCtrCvrAndGmv()
    {
        // "halo reach": 4 searches, 3 clicks, 1 order of 59.60 → CTR 0.75, CVR 0.25, GMV 60 (whole units).
        // "halo 3": 2 searches and nothing after them → 0, 0, 0.
        var t0 = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        List<LogEvent> events =
        [
            .. Enumerable.Range(1, 4).Select(i => new LogEvent(LogEventType.Search, $"u{i}", "halo reach", t0.AddMinutes(i))),
            .. Enumerable.Range(1, 3).Select(i => new LogEvent(LogEventType.Click, $"u{i}", "halo reach", t0.AddMinutes(i).AddSeconds(20), ItemId: "i-reach")),
            new LogEvent(LogEventType.Order, "u1", "halo reach", t0.AddMinutes(1).AddSeconds(50), ItemId: "i-reach", Amount: 59.60m),
            .. Enumerable.Range(5, 2).Select(i => new LogEvent(LogEventType.Search, $"u{i}", "halo 3", t0.AddMinutes(i))),
        ];
        var built = IndexBuilder.Build(events, new BuildOptions(), TimeProvider.System);
        var log = new CapturingLog();
        using var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(built.Build) })
        {
            TestServices = services => services.AddSingleton<IRankingFeatureLog>(log),
        };
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "halo" });

        var record = log.Records[response.Metadata.RequestId];
        var names = FeatureSchema.Names.ToList();
        var rows = record.Candidates.ToDictionary(static c => c.Text, static c => c.Features, StringComparer.Ordinal);
        Assert.Equal(["halo 3", "halo reach"], rows.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0.75f, rows["halo reach"][names.IndexOf("ctr")]);
        Assert.Equal(0.25f, rows["halo reach"][names.IndexOf("cvr")]);
        Assert.Equal((float)Math.Log(1 + 60.0), rows["halo reach"][names.IndexOf("gmv_log")], 1e-6f);
        Assert.All(new[] { "ctr", "cvr", "gmv_log" }, f => Assert.Equal(0f, rows["halo 3"][names.IndexOf(f)]));
    }

    [Fact]
    public async Task Suggest_NoLogRegistered_AnswersAsUsual()
    {
        using var factory = Host(string.Empty, log: null);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge", Limit = 2 });

        Assert.Equal(["gears of war 3", "gears of war"], response.Items.Select(i => i.Text));
        Assert.Null(factory.Services.GetService<IRankingFeatureLog>());
    }
}
