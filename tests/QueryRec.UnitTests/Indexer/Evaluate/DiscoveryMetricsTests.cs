using QueryRec.Indexer.Evaluate;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class DiscoveryMetricsTests
{
    private static readonly string[] Ten = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"];

    [Fact]
    public void Result_FourHandCountedCases_HitRatesAndCoverage()
    {
        var metrics = new DiscoveryMetrics("RELATED");

        metrics.Add("c", known: true, Ten); // rank 3: hit @5 and @10
        metrics.Add("g", known: true, Ten); // rank 7: hit @10 only
        metrics.Add("k", known: false, Ten); // rank 11: no hit
        metrics.Add("a", known: true, []); // nothing shown, context known

        var r = metrics.Result();
        Assert.Equal((4L, 1L, 2L, 3L, 3L, 2L), (r.Pairs, r.Hits5, r.Hits10, r.NonEmpty, r.Known, r.KnownNonEmpty));
        Assert.Equal(0.25, r.HitRate5, 9);
        Assert.Equal(0.5, r.HitRate10, 9);
        Assert.Equal(2.0 / 3, r.Coverage, 9);
    }

    [Fact]
    public void Add_UnionOfTwoSections_HitsWhenEitherTopKHoldsTheNextQuery()
    {
        var metrics = new DiscoveryMetrics("RELATED ∪ REFINE");

        metrics.Add("ps3 controller", known: true, ["ps3", "xbox"], ["ps3 games", "x", "y", "z", "w", "PS3  Controller"]);

        var r = metrics.Result();
        Assert.Equal((0L, 1L), (r.Hits5, r.Hits10));
    }
}
