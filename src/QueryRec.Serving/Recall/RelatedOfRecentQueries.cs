using QueryRec.Contracts.V1;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Recall;

/// <summary>
/// q2q of the caller's recent queries (u2q2q): queries that co-occur in sessions with what the user searched; with
/// <see cref="StrategyOptions.PersonalFromDiscoveryRelated"/>, their Discover RELATED lists (rd:) instead, each source
/// weighted as RELATED weighs it.
/// </summary>
internal sealed class RelatedOfRecentQueries(Func<StrategyOptions, int> maxQueries) : IRecallSource<BrowseContext>
{
    public string Name => "q2q_recent";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var recent = (await context.RecentQueriesAsync()).Take(maxQueries(context.Options)).ToList();
        var options = context.Options;
        var lists = await Task.WhenAll(recent.Select(async r => options.PersonalFromDiscoveryRelated
            ? await serving.Snapshot.GetDiscoveryRelatedAsync(r.Value, cancellationToken) ?? await serving.Snapshot.GetRelatedQueriesAsync(r.Value, cancellationToken)
            : await serving.Snapshot.GetRelatedQueriesAsync(r.Value, cancellationToken)));
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        for (var i = 0; i < lists.Length; i++)
        {
            if (lists[i] is not { } list)
            {
                continue;
            }

            foreach (var group in list.Queries.GroupBy(static q => q.Source))
            {
                var (source, reason, weight) = RelatedOfQuery.Of(group.Key, options);
                BrowseCandidates.Add(into, group.Select(static q => (q.Text, q.Score)), source, reason, weight * BrowseCandidates.RecencyWeight(i));
            }
        }

        return [.. into.Values];
    }
}
