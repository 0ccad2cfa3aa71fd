using QueryRec.Contracts.V1;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Ranking;
using QueryRec.Serving.Ranking;

namespace QueryRec.UnitTests.Indexer.Ranking;

public sealed class ReplayGroupCollectorTests
{
    private static readonly LogEvent Search = new(LogEventType.Search, "u1", "iphone 4s", new DateTimeOffset(2011, 9, 1, 0, 0, 0, TimeSpan.Zero));

    private static float[] Vector(float marker)
    {
        var v = new float[FeatureSchema.Count];
        v[0] = marker;
        return v;
    }

    /// <summary>Logs <paramref name="texts"/> as the scored candidates and answers them (the same list shown).</summary>
    private static SuggestResponse Answer(ReplayGroupCollector collector, string requestId, params string[] texts)
        => Answer(collector, requestId, texts, texts);

    private static SuggestResponse Answer(ReplayGroupCollector collector, string requestId, string[] logged, string[] shown)
    {
        collector.Record(new RankingFeatureRecord(
            requestId, "ip", "subject-hash", "heuristic-v1", [.. logged.Select((t, i) => new LoggedCandidate(t, logged.Length - i, Vector(i + 1)))]));
        return Shown(requestId, shown);
    }

    private static SuggestResponse Shown(string requestId, params string[] texts)
        => new() { Metadata = new ResponseMetadata { RequestId = requestId }, Items = { texts.Select(static t => new RecommendedQuery { Text = t }) } };

    [Fact]
    public async Task OnSuggest_LabelsTheSearchedQueryOrItsNearDuplicate_DropsAnswersWithoutIt()
    {
        var collector = new ReplayGroupCollector(maxRows: 1000);

        // Exact text at rank 2.
        await collector.OnSuggestAsync(Search, "iphone 4s", 2, Answer(collector, "r1", "ipad", "iphone 4s", "ipod"));
        // Only the spacing variant was served (the service collapsed near-duplicates): still the positive, rank 1.
        await collector.OnSuggestAsync(Search, "iphone 4s", 3, Answer(collector, "r2", "iphone4s", "iphone case"));
        // Not there: dropped.
        await collector.OnSuggestAsync(Search, "iphone 4s", 1, Answer(collector, "r3", "ipad", "ipod"));
        // An answer whose record never came: counted as unpaired.
        await collector.OnSuggestAsync(Search, "iphone 4s", 1, Shown("r9", "iphone 4s"));

        Assert.Equal(2, collector.Groups);
        Assert.Equal(1, collector.WithoutPositive);
        Assert.Equal(1, collector.Unpaired);
        Assert.Equal([0u, 0u, 0u, 1u, 1u], collector.Rows.Select(r => r.Group));
        Assert.Equal([0f, 1f, 0f, 1f, 0f], collector.Rows.Select(r => r.Label));
        // The rows are the logged vectors, in the served order.
        Assert.Equal([1f, 2f, 3f, 1f, 2f], collector.Rows.Select(r => r.Features[0]));
        // Served MRR over all four answers, as evaluate counts them: 1/2, 1, 0, and 1 for the unpaired one.
        Assert.Equal(4, collector.Answers);
        Assert.Equal(0.5 + 1.0 + 0 + 1.0, collector.ServedReciprocalRankSum, 10);
    }

    [Fact]
    public async Task OnSuggest_WithTheIndexsKeys_LabelsASpacingFoldOfTheSearch()
    {
        // The index folded "smart watch" into "smartwatch" (their clicks agree): the service shows one of them.
        var keys = new QueryRec.Core.Matching.NearDuplicateKeys([new("smart watch", "smartwatch", "smartwatch")]);
        var textOnly = new ReplayGroupCollector(maxRows: 1000);
        var indexed = new ReplayGroupCollector(maxRows: 1000) { Key = keys.Key };

        foreach (var collector in new[] { textOnly, indexed })
        {
            await collector.OnSuggestAsync(Search, "smart watch", 3, Answer(collector, "r1", "smart tv", "smartwatch"));
        }

        Assert.Equal(1, textOnly.WithoutPositive);
        Assert.Empty(textOnly.Rows);
        Assert.Equal(0, indexed.WithoutPositive);
        Assert.Equal([0f, 1f], indexed.Rows.Select(static r => r.Label));
        Assert.Equal(0.5, indexed.ServedReciprocalRankSum, 10);
    }

    [Fact]
    public async Task OnSuggest_ServedRank_IsTheAnswersNotTheLoggedCandidatesOrder()
    {
        var collector = new ReplayGroupCollector(maxRows: 1000);

        // The answer can differ from the logged order: with a category filter in filter mode the matching
        // candidates are shown first. Here "iphone 4s" is third in the log but second on screen, and the served rank
        // is the screen's; past the first 10 shown it counts 0.
        await collector.OnSuggestAsync(Search, "iphone 4s", 2, Answer(collector, "r1", ["iphone case", "ipad", "iphone 4s"], ["iphone case", "iphone 4s"]));
        await collector.OnSuggestAsync(Search, "iphone 4s", 2, Answer(collector, "r2", ["iphone 4s"], [.. Enumerable.Range(0, 10).Select(static i => $"ipod {i}"), "iphone 4s"]));

        Assert.Equal([0f, 0f, 1f, 1f], collector.Rows.Select(r => r.Label));
        Assert.Equal(2, collector.Answers);
        Assert.Equal(0.5, collector.ServedReciprocalRankSum, 10);
    }

    [Fact]
    public async Task OnSuggest_RowBudgetSpent_GroupNotKept()
    {
        var collector = new ReplayGroupCollector(maxRows: 4);

        await collector.OnSuggestAsync(Search, "iphone 4s", 2, Answer(collector, "r1", "iphone 4s", "ipad", "ipod"));
        await collector.OnSuggestAsync(Search, "iphone 4s", 2, Answer(collector, "r2", "iphone 4s", "ipad"));

        Assert.Equal(1, collector.Groups);
        Assert.Equal(1, collector.OverBudget);
        Assert.Equal(3, collector.Rows.Count);
    }
}
