using QueryRec.Api.Ranking;
using QueryRec.Api.Recall;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Ranking;
using QueryRec.UnitTests.Indexer;

namespace QueryRec.UnitTests.Ranking;

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

        // Not known at serving time yet: the schema's "unknown".
        foreach (var name in new[] { "ctr", "cvr", "gmv_log", "q2q_strength", "i2q_strength", "category_affinity", "edit_distance" })
        {
            Assert.Equal(0f, At(vector, name));
        }
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
