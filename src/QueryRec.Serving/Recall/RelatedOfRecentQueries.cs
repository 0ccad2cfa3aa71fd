using QueryRec.Contracts.V1;
using QueryRec.Serving.Strategies;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// A query list of each of the caller's recent queries, newest weighing most: their q2q lists (u2q2q: queries that
/// co-occur in sessions with what the user searched; with <see cref="StrategyOptions.PersonalFromDiscoveryRelated"/>,
/// their Discover RELATED lists (rd:) instead, each source weighted as RELATED weighs it), or with
/// <see cref="Refinements"/> their refinements (narrower queries of the user's broad searches).
/// </summary>
internal sealed class RelatedOfRecentQueries(
    Func<StrategyOptions, int> maxQueries,
    string name = "q2q_recent",
    Func<IIndexSnapshot, string, CancellationToken, ValueTask<RelatedQueries?>>? read = null,
    Source source = Source.Q2Q,
    Reason reason = Reason.Related) : IRecallSource<BrowseContext>
{
    /// <summary>
    /// The q2q lists alone, whatever <see cref="StrategyOptions.PersonalFromDiscoveryRelated"/> says: push was measured
    /// with them (docs/evaluation.md, "Push"), and the rd: seeds only for PERSONAL.
    /// </summary>
    public static RelatedOfRecentQueries SessionNeighbours(Func<StrategyOptions, int> maxQueries)
        => new(maxQueries, read: static (snapshot, query, ct) => snapshot.GetRelatedQueriesAsync(query, ct));

    /// <summary>The refinements (<c>rf:</c>) of the caller's recent queries.</summary>
    public static RelatedOfRecentQueries Refinements(Func<StrategyOptions, int> maxQueries)
        => new(maxQueries, "refine_recent", static (snapshot, query, ct) => snapshot.GetRefinementsAsync(query, ct), Source.Refine, Reason.Refinement);

    public string Name => name;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var recent = (await context.RecentQueriesAsync()).Take(maxQueries(context.Options)).ToList();
        var options = context.Options;
        var lists = await Task.WhenAll(recent.Select(r => (read ?? Related(options))(serving.Snapshot, r.Value, cancellationToken).AsTask()));
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        for (var i = 0; i < lists.Length; i++)
        {
            if (lists[i] is not { } list)
            {
                continue;
            }

            if (read is not null)
            {
                BrowseCandidates.Add(into, list.Queries.Select(static q => (q.Text, q.Score)), source, reason, BrowseCandidates.RecencyWeight(i));
                continue;
            }

            foreach (var group in list.Queries.GroupBy(static q => q.Source))
            {
                var (groupSource, groupReason, weight) = RelatedOfQuery.Of(group.Key, options);
                BrowseCandidates.Add(into, group.Select(static q => (q.Text, q.Score)), groupSource, groupReason, weight * BrowseCandidates.RecencyWeight(i));
            }
        }

        return [.. into.Values];
    }

    /// <summary>The q2q list of a query, or its rd: list (falling back to q2q for versions without one).</summary>
    private static Func<IIndexSnapshot, string, CancellationToken, ValueTask<RelatedQueries?>> Related(StrategyOptions options)
        => options.PersonalFromDiscoveryRelated
            ? static async (snapshot, query, ct) => await snapshot.GetDiscoveryRelatedAsync(query, ct) ?? await snapshot.GetRelatedQueriesAsync(query, ct)
            : static (snapshot, query, ct) => snapshot.GetRelatedQueriesAsync(query, ct);
}
