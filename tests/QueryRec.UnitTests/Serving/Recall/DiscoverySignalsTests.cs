using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Serving.Recall;

public sealed class DiscoverySignalsTests
{
    private static Dictionary<string, Candidate> Candidates(IEnumerable<RelatedQuery> entries)
    {
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        BrowseCandidates.Add(into, entries.Select(static e => (e.Text, e.Score)), Source.Q2Q, Reason.Related);
        return into;
    }

    [Fact]
    public void Annotate_RelatedList_ScalesEachSourceToItsOwnBestAndKeepsTheFirstPosition()
    {
        RelatedQuery[] list =
        [
            new() { Text = "a", Score = 40, Count = 3, Source = RelatedSource.Q2Q },
            new() { Text = "b", Score = 10, Count = 1, Source = RelatedSource.Q2Q },
            new() { Text = "c", Score = 0.2, Source = RelatedSource.CoClick },
            new() { Text = "b", Score = 0.1, Source = RelatedSource.CoClick },
            new() { Text = "d", Score = 0.5, Source = RelatedSource.SharedWords },
            new() { Text = "e", Score = 300, Count = 300, Source = RelatedSource.CategoryHot },
        ];
        var into = Candidates(list);

        DiscoverySignals.Annotate(into, list, refinements: false);

        var b = into["b"].Discovery!;
        Assert.Equal(0.25, b.Q2q); // 10 / 40
        Assert.Equal(0.5, b.CoClick); // 0.1 / 0.2
        Assert.Equal(1, b.Position);
        Assert.Equal(2, b.SourceCount);
        Assert.Equal(1, b.Count);
        Assert.Equal(1, into["c"].Discovery!.CoClick);
        Assert.Equal(0, into["c"].Discovery!.Q2q);
        Assert.Equal(1, into["d"].Discovery!.SharedWords);
        Assert.Equal(1, into["e"].Discovery!.CategoryHot);
        Assert.Equal(300, into["e"].Discovery!.Count);
        Assert.Equal(5, into["e"].Discovery!.Position);
    }

    [Fact]
    public void Annotate_RefinementList_SetsRefineAndCtrOnly()
    {
        RelatedQuery[] list =
        [
            new() { Text = "ipad case", Score = 8, Count = 4, Ctr = 0.5 },
            new() { Text = "ipad mini", Score = 2, Count = 2, Ctr = 0.25 },
        ];
        var into = Candidates(list);

        DiscoverySignals.Annotate(into, list, refinements: true);

        var mini = into["ipad mini"].Discovery!;
        Assert.Equal(0.25, mini.Refine);
        Assert.Equal(0.25, mini.Ctr);
        Assert.Equal(0, mini.Q2q);
        Assert.Equal(1, into["ipad case"].Discovery!.Refine);
    }
}
