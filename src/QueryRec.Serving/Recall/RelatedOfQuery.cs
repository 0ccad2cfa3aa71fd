using QueryRec.Contracts.V1;
using QueryRec.Serving.Strategies;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// Discover RELATED of the context query: the index's rd: list (q2q, co-clicked, word-sharing and category-hot
/// queries), each source scaled to its best entry and weighted (<see cref="StrategyOptions.RelatedCoClickWeight"/>...);
/// the q2q list (r:) when the index has no rd: list for the query.
/// </summary>
internal sealed class RelatedOfQuery : IRecallSource<BrowseContext>
{
    public string Name => "q2q";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.Query.Length == 0)
        {
            return [];
        }

        var list = await serving.Snapshot.GetDiscoveryRelatedAsync(context.Query, cancellationToken)
            ?? await serving.Snapshot.GetRelatedQueriesAsync(context.Query, cancellationToken);
        if (list is null)
        {
            return [];
        }

        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        foreach (var group in list.Queries.GroupBy(static q => q.Source))
        {
            var (source, reason, weight) = Of(group.Key, context.Options);
            BrowseCandidates.Add(into, group.Select(static q => (q.Text, q.Score)), source, reason, weight);
        }

        DiscoverySignals.Annotate(into, list.Queries, refinements: false);

        return [.. into.Values];
    }

    /// <summary>The public source and reason of an entry's source, and its weight.</summary>
    internal static (Source Source, Reason Reason, double Weight) Of(RelatedSource source, StrategyOptions options) => source switch
    {
        RelatedSource.CoClick => (Source.CoClick, Reason.SameItemsClicked, options.RelatedCoClickWeight),
        RelatedSource.SharedWords => (Source.SharedWords, Reason.SharesWords, options.RelatedSharedWordsWeight),
        RelatedSource.CategoryHot => (Source.CategoryHot, Reason.Hot, options.RelatedCategoryHotWeight),
        _ => (Source.Q2Q, Reason.Related, 1.0),
    };
}
