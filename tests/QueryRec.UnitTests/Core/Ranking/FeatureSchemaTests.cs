using QueryRec.Core.Ranking;
using QueryRec.Indexer.Ranking;

namespace QueryRec.UnitTests.Core.Ranking;

public sealed class FeatureSchemaTests
{
    private static int At(string name)
    {
        var index = FeatureSchema.Names.ToList().IndexOf(name);
        Assert.True(index >= 0, name);
        return index;
    }

    [Fact]
    public void Schema_IsVersionedWithUniqueDocumentedNames()
    {
        Assert.Equal("features-v2", FeatureSchema.Version);
        Assert.Equal(22, FeatureSchema.Count);
        Assert.Equal(FeatureSchema.Count, FeatureSchema.Names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(FeatureSchema.Features, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
    }

    [Fact]
    public void Fill_PutsEachRawValueAtItsNamedPosition()
    {
        var values = new RankingFeatureValues
        {
            DecayedPopularity = 99,
            NodeMaxPopularity = 396,
            Ctr = 0.3,
            Cvr = 0.05,
            Gmv = 1999,
            MatchType = RankingMatchType.PinyinInitials,
            PrefixLength = 3,
            CandidateLength = 7,
            EditDistance = 2,
            Q2qStrength = 0.6,
            I2qStrength = 0.7,
            UserHistoryAffinity = 0.8,
            CategoryAffinity = 0.9,
            RecentCount = 5,
            NodeMaxRecentCount = 20,
            RecentDistinctUsers = 3,
            RequestMaxRecentCount = 8,
        };

        var v = FeatureSchema.ToVector(values);

        Assert.Equal(FeatureSchema.Count, v.Length);
        Assert.Equal(Math.Log(100), v[At("popularity_log")], 5);
        Assert.Equal(0.25f, v[At("popularity_rel")], 6);
        Assert.Equal(0.3f, v[At("ctr")], 6);
        Assert.Equal(0.05f, v[At("cvr")], 6);
        Assert.Equal(Math.Log(2000), v[At("gmv_log")], 5);
        Assert.Equal(1f, v[At("match_pinyin_initials")]);
        Assert.Equal(3f, v[At("prefix_length")]);
        Assert.Equal(7f, v[At("candidate_length")]);
        Assert.Equal(2f, v[At("edit_distance")]);
        Assert.Equal(0.6f, v[At("q2q_strength")], 6);
        Assert.Equal(0.7f, v[At("i2q_strength")], 6);
        Assert.Equal(0.8f, v[At("user_history_affinity")], 6);
        Assert.Equal(0.9f, v[At("category_affinity")], 6);
        Assert.Equal(0.25f, v[At("trend")], 6);
        Assert.Equal(Math.Log(6), v[At("recent_log")], 5);
        Assert.Equal(0.625f, v[At("recent_rel")], 6);
        Assert.Equal(Math.Log(4), v[At("recent_users_log")], 5);
    }

    [Theory]
    [InlineData(RankingMatchType.Prefix, "match_prefix")]
    [InlineData(RankingMatchType.PinyinFull, "match_pinyin_full")]
    [InlineData(RankingMatchType.PinyinInitials, "match_pinyin_initials")]
    [InlineData(RankingMatchType.PinyinMixed, "match_pinyin_mixed")]
    [InlineData(RankingMatchType.Infix, "match_infix")]
    [InlineData(RankingMatchType.Fuzzy, "match_fuzzy")]
    public void Fill_MatchTypeIsOneHot(RankingMatchType type, string name)
    {
        var v = FeatureSchema.ToVector(new RankingFeatureValues { MatchType = type });

        var oneHot = FeatureSchema.Names.Select((n, i) => (n, i)).Where(x => x.n.StartsWith("match_", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, oneHot.Count);
        Assert.All(oneHot, x => Assert.Equal(x.n == name ? 1f : 0f, v[x.i]));
    }

    [Fact]
    public void Fill_ClampsRatesAndZeroesNonFiniteOrMissingMaxima()
    {
        var v = FeatureSchema.ToVector(new RankingFeatureValues
        {
            DecayedPopularity = double.NaN,
            NodeMaxPopularity = 0,
            Ctr = 3,
            Cvr = -1,
            Gmv = double.PositiveInfinity,
            UserHistoryAffinity = double.NaN,
            RecentCount = 10,
            NodeMaxRecentCount = 5,
            EditDistance = -2,
        });

        Assert.All(v, x => Assert.True(float.IsFinite(x)));
        Assert.Equal(0f, v[At("popularity_log")]);
        Assert.Equal(0f, v[At("popularity_rel")]);
        Assert.Equal(1f, v[At("ctr")]);
        Assert.Equal(0f, v[At("cvr")]);
        Assert.Equal(0f, v[At("gmv_log")]);
        Assert.Equal(0f, v[At("user_history_affinity")]);
        Assert.Equal(1f, v[At("trend")]);
        Assert.Equal(0f, v[At("edit_distance")]);
    }

    [Fact]
    public void Fill_ShortDestination_Throws()
        => Assert.Throws<ArgumentException>(() => FeatureSchema.Fill(default, new float[FeatureSchema.Count - 1]));

    [Fact]
    public void LtrHeader_IsGroupLabelThenSchemaNamesInOrder()
        => Assert.Equal(["group", "label", .. FeatureSchema.Names], LtrDataset.Header.Split('\t'));
}
