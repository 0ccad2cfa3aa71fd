using QueryRec.Contracts.V1;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Recall;

/// <summary>q2q of the caller's recent queries (u2q2q): queries that co-occur in sessions with what the user searched.</summary>
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
        var lists = await Task.WhenAll(recent.Select(r => serving.Snapshot.GetRelatedQueriesAsync(r.Value, cancellationToken).AsTask()));
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        for (var i = 0; i < lists.Length; i++)
        {
            if (lists[i] is { } list)
            {
                BrowseCandidates.Add(into, list.Queries.Select(static q => (q.Text, q.Score)), Source.Q2Q, Reason.Related, BrowseCandidates.RecencyWeight(i));
            }
        }

        return [.. into.Values];
    }
}
