using QueryRec.Indexer.Evaluate;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class PushMetricsTests
{
    [Theory]
    [InlineData("gears of war 3", "gears of war 3", true)] // the pushed query itself
    [InlineData("iphone 15", "iphone15", true)] // a near-duplicate (spacing)
    [InlineData("red dress", "dress red", true)] // a near-duplicate (word order)
    [InlineData("xbox 360 kinect", "xbox 360", true)] // a refinement: every pushed word and more
    [InlineData("kinect for xbox 360", "xbox 360", true)]
    [InlineData("连衣裙长款", "连衣裙", true)] // a refinement of a hanzi query: it starts with it
    [InlineData("xbox", "xbox 360", false)] // broader than the push
    [InlineData("xbox one", "xbox 360", false)]
    [InlineData("gear", "gears of war", false)]
    public void Matches_SearchAgainstPushedQuery(string searched, string pushed, bool expected)
        => Assert.Equal(expected, PushMetrics.Matches(searched, pushed));

    [Fact]
    public void WithTheIndexsKeys_ASpacingFoldIsAHit_AndNotNewIntent()
    {
        // The index folded "smart watch" into "smartwatch": the service shows one of them.
        var keys = new QueryRec.Core.Matching.NearDuplicateKeys([new("smart watch", "smartwatch", "smartwatch")]);
        var day = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var repeat = new PushCase("u1", day, "smart watch", ["smartwatch"], ["smart watch"]);
        var textOnly = new PushMetrics("push");
        var indexed = new PushMetrics("push", keys.Key);

        textOnly.Add(["smart watch"], ["smart watch"], ["smartwatch"]);
        indexed.Add(["smart watch"], ["smart watch"], ["smartwatch"]);

        Assert.False(PushMetrics.Matches("smart watch", "smartwatch"));
        Assert.True(PushMetrics.Matches("smart watch", "smartwatch", keys.Key));
        Assert.Equal(0, textOnly.Result().Hits5);
        Assert.Equal(1, indexed.Result().Hits5);
        Assert.Equal(["smartwatch"], repeat.NewSearches());
        Assert.Empty(repeat.NewSearches(keys.Key));
    }

    [Fact]
    public void Add_HitsCountAtTheRankOfTheFirstAnsweredPush()
    {
        var metrics = new PushMetrics("push");

        metrics.Add(["halo 4"], ["halo 4"], ["tv", "laptop", "halo 4 limited edition", "halo 4", "ps5"]); // rank 3: the search does not refine rank 2
        metrics.Add(["xbox 360 kinect"], [], ["xbox 360"], fallback: true); // rank 0, but a repeat: not new intent
        metrics.Add([], [], ["tv"]); // no search: a miss
        metrics.Add(["tv"], ["tv"], []); // nothing pushed: a miss

        var result = metrics.Result();
        Assert.Equal(4, result.Cases);
        Assert.Equal(1, result.Hits1);
        Assert.Equal(1, result.Hits3);
        Assert.Equal(2, result.Hits5);
        Assert.Equal(1, result.NewHits5);
        Assert.Equal(3, result.NonEmpty);
        Assert.Equal(1, result.Fallback);
        Assert.Equal(0.5, result.HitRate5);
    }
}
