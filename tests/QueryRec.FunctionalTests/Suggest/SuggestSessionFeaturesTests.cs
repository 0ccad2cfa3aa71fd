using System.Collections.Concurrent;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Ranking;
using QueryRec.Storage;
using QueryRec.Storage.Realtime;
using QueryRec.Storage.V1;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// The session features at serving (<see cref="SessionSignals"/>) through the real host and gRPC channel: a user's
/// previous query and clicked item light up q2q_strength, i2q_strength and category_affinity of the related
/// candidates in the logged (and scored) rows, and nothing else.
/// </summary>
public sealed class SuggestSessionFeaturesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-session-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Keeps every record by request id.</summary>
    private sealed class CapturingLog : IRankingFeatureLog
    {
        public ConcurrentDictionary<string, RankingFeatureRecord> Records { get; } = new(StringComparer.Ordinal);

        public void Record(RankingFeatureRecord record) => Records[record.RequestId] = record;
    }

    private static readonly int Q2q = FeatureSchema.Names.ToList().IndexOf("q2q_strength");
    private static readonly int I2q = FeatureSchema.Names.ToList().IndexOf("i2q_strength");
    private static readonly int Category = FeatureSchema.Names.ToList().IndexOf("category_affinity");

    /// <summary>
    /// Queries under "t" with their categories, plus "laptop" (categories computers, then tvs); q2q of "laptop":
    /// tv stand (score 4) and mouse (2); i2q of sku-9: tv mount.
    /// </summary>
    private static IndexBuild Index()
    {
        var build = TestIndexes.FromEntries("v-session-1",
        [
            new("tv", 50, ["tvs"]),
            new("tv stand", 40, ["furniture"]),
            new("tv mount", 30, ["mounts"]),
            new("tv remote", 20, ["tvs"]),
            new("tablet", 10, ["tablets"]),
            new("laptop", 60, ["computers", "tvs"]),
        ]);
        var related = new RelatedQueries();
        related.Queries.Add(new RelatedQuery { Text = "tv stand", Score = 4, Count = 3 });
        related.Queries.Add(new RelatedQuery { Text = "mouse", Score = 2, Count = 2 });
        var items = new ItemQueries();
        items.Queries.Add(new ItemQuery { Text = "tv mount", Weight = 3, Clicks = 3 });
        return IndexBuild.Create(build.Version, DateTimeOffset.UnixEpoch.AddDays(20000), "session features test",
        [
            .. build.Records,
            new IndexRecord(IndexKeys.Related("laptop"), related.ToByteArray()),
            new IndexRecord(IndexKeys.Item("sku-9"), items.ToByteArray()),
        ]);
    }

    private string TrainModel() => RankingTestModels.TrainSynthetic(_dir.FullName);

    [Fact]
    public async Task Suggest_AfterAQueryAndAClick_LogsSessionFeaturesOfTheRelatedCandidatesOnly()
    {
        var onnx = TrainModel();
        var log = new CapturingLog();
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(Index()),
            ["QueryRec:Ranking:Model:Path"] = onnx,
        })
        {
            TestServices = services => services.AddSingleton<IRankingFeatureLog>(log),
        };
        var client = factory.CreateClient(factory.CreateChannel());
        var now = Timestamp.FromDateTimeOffset(TimeProvider.System.GetUtcNow());
        var ack = await client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event { EventId = "e-s-1", Type = EventType.SearchSubmitted, UserId = "u-s", Query = "laptop", Time = now },
                new Event { EventId = "e-s-2", Type = EventType.ItemClicked, UserId = "u-s", Query = "laptop", ItemId = "sku-9", Time = now },
            },
        });
        Assert.Equal(2, ack.Accepted);

        var personal = await client.SuggestAsync(new SuggestRequest { Prefix = "t", UserId = "u-s" });
        var anonymous = await client.SuggestAsync(new SuggestRequest { Prefix = "t" });
        var stranger = await client.SuggestAsync(new SuggestRequest { Prefix = "t", UserId = "u-other" });

        Assert.False(personal.Metadata.Degraded, string.Join(",", personal.Metadata.DegradedReasons));
        var p = log.Records[personal.Metadata.RequestId];
        Assert.NotEqual(HeuristicScorer.ModelVersion, p.ModelVersion);
        var rows = p.Candidates.ToDictionary(static c => c.Text, static c => c.Features, StringComparer.Ordinal);
        Assert.Equal(["tablet", "tv", "tv mount", "tv remote", "tv stand"], rows.Keys.Order(StringComparer.Ordinal));

        // q2q of the user's previous query "laptop" (searched just now: weight ≈ 1): tv stand is the list's top.
        Assert.InRange(rows["tv stand"][Q2q], 0.99f, 1f);
        Assert.All(rows.Where(r => r.Key != "tv stand"), r => Assert.Equal(0f, r.Value[Q2q]));

        // i2q of the clicked item sku-9: tv mount.
        Assert.InRange(rows["tv mount"][I2q], 0.99f, 1f);
        Assert.All(rows.Where(r => r.Key != "tv mount"), r => Assert.Equal(0f, r.Value[I2q]));

        // "laptop"'s second category is tvs (rank weight 1/2): tv and tv remote, whose first category it is.
        Assert.InRange(rows["tv"][Category], 0.49f, 0.5f);
        Assert.InRange(rows["tv remote"][Category], 0.49f, 0.5f);
        Assert.All(new[] { "tv stand", "tv mount", "tablet" }, t => Assert.Equal(0f, rows[t][Category]));

        // Callers without that session get zeros.
        foreach (var other in new[] { anonymous, stranger })
        {
            Assert.All(log.Records[other.Metadata.RequestId].Candidates, c =>
            {
                Assert.Equal(0f, c.Features[Q2q]);
                Assert.Equal(0f, c.Features[I2q]);
                Assert.Equal(0f, c.Features[Category]);
            });
        }

        // The model scored exactly the logged rows, session features included.
        var scores = RankingTestModels.OnnxScores(onnx, [.. p.Candidates.Select(static c => c.Features)]);
        for (var i = 0; i < p.Candidates.Count; i++)
        {
            Assert.Equal(scores[i], p.Candidates[i].Score, 5);
        }

        Assert.All(personal.Items, item => Assert.Equal(scores[p.Candidates.ToList().FindIndex(c => c.Text == item.Text)], item.Score, 5));
    }

    [Fact]
    public async Task Suggest_RealtimeStoreDown_ScoresWithZeroSessionFeaturesAndAnswers()
    {
        var onnx = TrainModel();
        var log = new CapturingLog();
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(Index()),
            ["QueryRec:Ranking:Model:Path"] = onnx,
        })
        {
            TestServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton<IRealtimeStore>(new DownRealtimeStore()));
                services.AddSingleton<IRankingFeatureLog>(log);
            },
        };
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "t", UserId = "u-s" });

        // The history source reports the store; the session features add no reason of their own and the model ranks.
        Assert.Equal(5, response.Items.Count);
        Assert.Contains("source_error:history", response.Metadata.DegradedReasons);
        Assert.DoesNotContain(response.Metadata.DegradedReasons, r => r.Contains("session", StringComparison.Ordinal));
        Assert.NotEqual(HeuristicScorer.ModelVersion, response.Metadata.ModelVersion);
        Assert.All(log.Records[response.Metadata.RequestId].Candidates, c =>
        {
            Assert.Equal(0f, c.Features[Q2q]);
            Assert.Equal(0f, c.Features[I2q]);
            Assert.Equal(0f, c.Features[Category]);
        });
    }
}
