using QueryRec.Contracts.V1;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Ranking;

namespace QueryRec.UnitTests.Indexer.Ranking;

public sealed class DiscoveryGroupCollectorTests
{
    private static LoggedCandidate Row(string text, float value) => new(text, value, [value, 1 - value]);

    private static DiscoverResponse Answer(string requestId, params string[] shown)
    {
        var response = new DiscoverResponse { Metadata = new ResponseMetadata { RequestId = requestId } };
        var section = new Section { Kind = SectionKind.Related };
        section.Items.AddRange(shown.Select(static t => new RecommendedQuery { Text = t }));
        response.Sections.Add(section);
        return response;
    }

    [Fact]
    public void OnDiscover_TwoSectionsOfOneAnswer_LabelsTheNextQueryAndDropsTheSectionWithoutIt()
    {
        var collector = new DiscoveryGroupCollector(maxRows: 100);
        collector.Record(new DiscoveryFeatureRecord("r1", "ps3", [Row("ps3 games", 0.9f), Row("ps3 controller", 0.5f)]));
        collector.Record(new DiscoveryFeatureRecord("r1", "ps3", [Row("ps3 slim", 0.4f)]));
        collector.Record(new DiscoveryFeatureRecord("r2", "kindle", [Row("nook", 0.3f)]));

        collector.OnDiscover(Answer("r1", "ps3 games"), "ps3 controller");

        Assert.Equal(1, collector.Groups);
        Assert.Equal(1, collector.WithoutPositive); // "ps3 slim" only
        Assert.Equal([0f, 1f], collector.Rows.Select(static r => r.Label));
        Assert.Equal([0u, 0u], collector.Rows.Select(static r => r.Group));
        Assert.Equal(0.5f, collector.Rows[1].Features[0]);
    }

    [Fact]
    public void OnDiscover_AnswerWithItemsButNoRecord_CountsUnpaired()
    {
        var collector = new DiscoveryGroupCollector(maxRows: 100);

        collector.OnDiscover(Answer("r9", "nook"), "nook");
        collector.OnDiscover(Answer("r10"), "nook"); // nothing shown: nothing to log

        Assert.Equal(1, collector.Unpaired);
        Assert.Empty(collector.Rows);
    }

    [Fact]
    public void OnDiscover_RowBudgetSpent_KeepsWholeGroupsOnly()
    {
        var collector = new DiscoveryGroupCollector(maxRows: 3);
        collector.Record(new DiscoveryFeatureRecord("a", "q", [Row("x", 1), Row("y", 0)]));
        collector.Record(new DiscoveryFeatureRecord("b", "q", [Row("x", 1), Row("y", 0)]));

        collector.OnDiscover(Answer("a", "x"), "y");
        collector.OnDiscover(Answer("b", "x"), "y");

        Assert.Equal(1, collector.Groups);
        Assert.Equal(1, collector.OverBudget);
        Assert.Equal(2, collector.Rows.Count);
    }
}
