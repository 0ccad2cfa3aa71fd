using QueryRec.Core.Ranking;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class OnnxRankerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 15, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static float At(float[] vector, string name) => vector[FeatureSchema.Names.ToList().IndexOf(name)];

    private static float[] Vector(Candidate candidate, int prefixLength = 2, long maxRecent = 0) =>
        FeatureSchema.ToVector(OnnxRanker.Features(candidate, prefixLength, Now, maxRecent, TimeSpan.FromDays(3)));

    [Fact]
    public void Features_PutTheCandidateValuesAtTheirSchemaPositions()
    {
        var candidate = new Candidate("连衣裙长款");
        candidate.Features.Popularity = 50;
        candidate.Features.PopularityMax = 200;
        candidate.Features.LastSearched = Now - TimeSpan.FromDays(3);
        candidate.Features.RecentCount = 5;
        candidate.Features.MatchType = MatchKind.PinyinInitials;

        var vector = Vector(candidate, prefixLength: 3, maxRecent: 20);

        Assert.Equal(Math.Log(51), At(vector, "popularity_log"), 5);
        Assert.Equal(0.25, At(vector, "popularity_rel"), 5);
        Assert.Equal(1f, At(vector, "match_pinyin_initials"));
        Assert.Equal(0f, At(vector, "match_prefix"));
        Assert.Equal(3f, At(vector, "prefix_length"));
        Assert.Equal(5f, At(vector, "candidate_length"));
        Assert.Equal(0.5, At(vector, "user_history_affinity"), 5);
        Assert.Equal(0.25, At(vector, "trend"), 5);

        // Not set on this candidate: the schema's "unknown".
        foreach (var name in new[] { "ctr", "cvr", "gmv_log", "q2q_strength", "i2q_strength", "category_affinity", "edit_distance" })
        {
            Assert.Equal(0f, At(vector, name));
        }
    }

    [Fact]
    public void Features_OutcomesFromTheCompletion_AndTheLargestOverAMerge()
    {
        var fromPrefix = new Candidate("halo reach");
        fromPrefix.Features.SetOutcomes(new Completion { CtrBp = 7_500, CvrBp = 1_000, Gmv = 60 });
        var fromInfix = new Candidate("halo reach");
        fromInfix.Features.SetOutcomes(new Completion { CtrBp = 2_000, CvrBp = 2_500, Gmv = 10 });
        fromPrefix.Merge(fromInfix);

        var vector = Vector(fromPrefix);

        Assert.Equal(0.75f, At(vector, "ctr"));
        Assert.Equal(0.25f, At(vector, "cvr"));
        Assert.Equal(Math.Log(61), At(vector, "gmv_log"), 5);
    }

    [Theory]
    [InlineData((int)MatchKind.Prefix, "match_prefix")]
    [InlineData((int)MatchKind.PinyinFull, "match_pinyin_full")]
    [InlineData((int)MatchKind.PinyinMixed, "match_pinyin_mixed")]
    [InlineData((int)MatchKind.Infix, "match_infix")]
    [InlineData((int)MatchKind.AnyOrderInfix, "match_infix")]
    [InlineData((int)MatchKind.Homophone, "match_fuzzy")]
    [InlineData((int)MatchKind.Fuzzy, "match_fuzzy")]
    public void Features_MatchKind_SetsExactlyItsOneHot(int kindValue, string expected)
    {
        var kind = (MatchKind)kindValue;
        var candidate = new Candidate("abc");
        candidate.Features.MatchType = kind;
        candidate.Features.EditDistance = kind == MatchKind.Fuzzy ? 2 : 0;

        var vector = Vector(candidate);

        var oneHot = FeatureSchema.Names.Where(n => n.StartsWith("match_", StringComparison.Ordinal)).ToList();
        Assert.All(oneHot, n => Assert.Equal(n == expected ? 1f : 0f, At(vector, n)));
        Assert.Equal(candidate.Features.EditDistance, At(vector, "edit_distance"));
    }

    [Fact]
    public void Features_NoHistoryNoTrendNoIndexPopularity_AreZeroNotNaN()
    {
        var vector = Vector(new Candidate("trend only"), maxRecent: 0);

        Assert.All(vector, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, At(vector, "popularity_rel"));
        Assert.Equal(0f, At(vector, "trend"));
        Assert.Equal(0f, At(vector, "user_history_affinity"));
        Assert.Equal(10f, At(vector, "candidate_length"));
    }

    [Fact]
    public void FeatureBatch_ReadsFreshCountsFromTheTrendingSnapshotForEveryCandidate()
    {
        // "tv stand" came from the prefix table only; the trending list knows its fresh count. "tv mount" was recalled
        // as trending with its own count; "tv remote" is not trending at all.
        var stand = new Candidate("tv stand");
        stand.Features.Popularity = 40;
        stand.Features.PopularityMax = 40;
        var mount = new Candidate("tv mount");
        mount.Features.RecentCount = 6;
        mount.Features.RecentDistinctUsers = 2;
        var remote = new Candidate("tv remote");
        remote.Features.Popularity = 10;
        remote.Features.PopularityMax = 40;
        var counts = new Dictionary<string, QueryRec.Storage.Realtime.TrendingCount>(StringComparer.Ordinal)
        {
            ["tv stand"] = new("tv stand", 12, 5),
            ["tv mount"] = new("tv mount", 6, 2),
            ["laptop"] = new("laptop", 30, 9),
        };
        var snapshot = new TrendingSnapshot(
            System.Collections.Frozen.FrozenDictionary.ToFrozenDictionary(counts, StringComparer.Ordinal),
            [.. counts.Values.OrderBy(c => c.Query, StringComparer.Ordinal)],
            30,
            Now);

        var batch = OnnxRanker.FeatureBatch([stand, mount, remote], "tv", Now, snapshot, TimeSpan.FromDays(3));

        var width = FeatureSchema.Count;
        Assert.Equal(3 * width, batch.Length);
        float Row(int i, string name) => batch[(i * width) + FeatureSchema.Names.ToList().IndexOf(name)];
        Assert.Equal(Math.Log(13), Row(0, "recent_log"), 5);
        Assert.Equal(1f, Row(0, "recent_rel"));
        Assert.Equal(Math.Log(6), Row(0, "recent_users_log"), 5);
        Assert.Equal(12f / 30, Row(0, "trend"), 5);
        Assert.Equal(Math.Log(7), Row(1, "recent_log"), 5);
        Assert.Equal(0.5f, Row(1, "recent_rel"), 6);
        Assert.Equal(Math.Log(3), Row(1, "recent_users_log"), 5);
        Assert.Equal(0f, Row(2, "recent_log"));
        Assert.Equal(0f, Row(2, "recent_rel"));
        Assert.Equal(0.25f, Row(2, "popularity_rel"), 6);
        Assert.Equal(2f, Row(2, "prefix_length"));
    }

    private string Train(string name)
    {
        var path = _dir.File(name);
        RankerTrainer.Train(LtrDataset.Synthetic(100, 7), new RankerTrainerOptions { Iterations = 20 }, path, Now);
        return path;
    }

    [Fact]
    public void Load_TrainedModel_ScoresABatchLikeOneRowAtATime()
    {
        var model = RankingModel.Load(Train("model.onnx"));
        try
        {
            var rows = LtrDataset.Synthetic(3, 11).Select(r => r.Features).Take(5).ToList();
            var batch = model.Score([.. rows.SelectMany(r => r)], rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.Equal(model.Score(rows[i], 1)[0], batch[i], 5);
            }

            Assert.StartsWith("rank-", model.Version, StringComparison.Ordinal);
        }
        finally
        {
            model.Release();
        }

        Assert.True(model.IsDisposed);
    }

    [Fact]
    public void Load_CardWithAnotherSchemaVersion_IsRefused()
    {
        var path = Train("model.onnx");
        var card = RankingModel.CardPath(path);
        File.WriteAllText(card, File.ReadAllText(card).Replace(FeatureSchema.Version, "features-v0", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => RankingModel.Load(path));
        Assert.Contains("features-v0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WithoutCard_ReportsTheFileName()
    {
        var path = Train("plain.onnx");
        File.Delete(RankingModel.CardPath(path));

        var model = RankingModel.Load(path);
        model.Release();

        Assert.Equal("plain.onnx", model.Version);
    }
}
