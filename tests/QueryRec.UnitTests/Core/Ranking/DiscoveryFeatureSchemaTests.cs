using QueryRec.Core.Ranking;

namespace QueryRec.UnitTests.Core.Ranking;

public sealed class DiscoveryFeatureSchemaTests
{
    private static float At(float[] vector, string name) => vector[DiscoveryFeatureSchema.Names.ToList().IndexOf(name)];

    [Fact]
    public void Schema_IsVersionedApartFromSuggestsWithUniqueDocumentedNames()
    {
        Assert.Equal("discovery-features-v1", DiscoveryFeatureSchema.Schema.Version);
        Assert.NotEqual(FeatureSchema.Version, DiscoveryFeatureSchema.Version);
        Assert.Equal(14, DiscoveryFeatureSchema.Schema.Count);
        Assert.Equal(DiscoveryFeatureSchema.Count, DiscoveryFeatureSchema.Names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(DiscoveryFeatureSchema.Features, f => Assert.False(string.IsNullOrWhiteSpace(f.Description)));
    }

    [Fact]
    public void Fill_PutsEachRawValueAtItsNamedPositionWithItsTransform()
    {
        var v = new float[DiscoveryFeatureSchema.Count];
        DiscoveryFeatureSchema.Fill(
            new DiscoveryFeatureValues
            {
                Q2qScore = 0.5,
                CoClickScore = 0.25,
                SharedWordsScore = 2, // clamped to 1
                CategoryHotScore = -1, // clamped to 0
                RefineScore = double.NaN, // non-finite: 0
                Position = 3,
                HeuristicScore = 12, // clamped to 10
                Count = Math.E - 1,
                Ctr = 0.3,
                WordJaccard = 1.0 / 3,
                ExtraWords = -7, // clamped to -5
                CandidateLength = 9,
                RecentWordOverlap = 0.75,
                SourceCount = 2,
            },
            v);

        Assert.Equal(0.5f, At(v, "q2q_score"));
        Assert.Equal(0.25f, At(v, "co_click_score"));
        Assert.Equal(1f, At(v, "shared_words_score"));
        Assert.Equal(0f, At(v, "category_hot_score"));
        Assert.Equal(0f, At(v, "refine_score"));
        Assert.Equal(0.25f, At(v, "position_inv"));
        Assert.Equal(10f, At(v, "heuristic_score"));
        Assert.Equal(1f, At(v, "count_log"), 5);
        Assert.Equal(0.3f, At(v, "ctr"), 6);
        Assert.Equal(1f / 3, At(v, "word_jaccard"), 6);
        Assert.Equal(-5f, At(v, "extra_words"));
        Assert.Equal(9f, At(v, "candidate_length"));
        Assert.Equal(0.75f, At(v, "recent_word_overlap"));
        Assert.Equal(2f, At(v, "source_count"));
    }

    [Fact]
    public void Fill_ShortDestination_Throws()
        => Assert.Throws<ArgumentException>(() => DiscoveryFeatureSchema.Fill(default, new float[DiscoveryFeatureSchema.Count - 1]));
}
