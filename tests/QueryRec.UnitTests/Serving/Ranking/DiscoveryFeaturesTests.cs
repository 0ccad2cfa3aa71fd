using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class DiscoveryFeaturesTests
{
    private static float At(float[] batch, int row, string name)
        => batch[(row * DiscoveryFeatureSchema.Count) + DiscoveryFeatureSchema.Names.ToList().IndexOf(name)];

    [Fact]
    public void Batch_WordsAgainstTheContextAndTheOtherRecentQueries()
    {
        RelatedQuery[] list =
        [
            new() { Text = "ps3 controller", Score = 2, Source = RelatedSource.CoClick },
            new() { Text = "playstation 3 games", Score = 1, Source = RelatedSource.SharedWords },
        ];
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        BrowseCandidates.Add(into, list.Select(static e => (e.Text, e.Score)), Source.CoClick, Reason.SameItemsClicked);
        DiscoverySignals.Annotate(into, list, refinements: false);
        var candidates = into.Values.ToList();
        candidates[0].Score = 0.7;

        // The page's own query is among the recent ones: it must not count as "another recent query".
        var batch = DiscoveryFeatures.Batch(candidates, "playstation 3", ["playstation 3", "wireless controller"]);

        Assert.Equal(2 * DiscoveryFeatureSchema.Count, batch.Length);
        Assert.Equal(0f, At(batch, 0, "word_jaccard")); // {ps3, controller} vs {playstation, 3}
        Assert.Equal(1f / 3, At(batch, 0, "recent_word_overlap"), 6); // {ps3, controller} vs {wireless, controller}
        Assert.Equal(0f, At(batch, 0, "extra_words"));
        Assert.Equal(0.7f, At(batch, 0, "heuristic_score"), 6);
        Assert.Equal(1f, At(batch, 0, "co_click_score"));
        Assert.Equal(2f / 3, At(batch, 1, "word_jaccard"), 6); // {playstation, 3, games} vs {playstation, 3}
        Assert.Equal(0f, At(batch, 1, "recent_word_overlap"));
        Assert.Equal(1f, At(batch, 1, "extra_words"));
        Assert.Equal(19f, At(batch, 1, "candidate_length"));
        Assert.Equal(0.5f, At(batch, 1, "position_inv"));
    }
}
