using QueryRec.Contracts.V1;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>The user's (or device's) own recent queries that start with the prefix.</summary>
internal sealed class RecentQueriesSource(IRealtimeStore store, int maxHistory) : IRecallSource<SuggestContext>
{
    public string Name => "history";

    /// <summary>A filter over the caller's recent queries (read asynchronously when the store is remote): runs inline.</summary>
    public bool RunsInline => true;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (context.Subject is null)
        {
            return [];
        }

        var recent = await (context.RecentQueries ?? store.GetRecentQueriesAsync(context.Subject, maxHistory, cancellationToken));
        var result = context.NewList();
        foreach (var entry in recent)
        {
            if (!entry.Value.StartsWith(context.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = context.NewCandidate(entry.Value);
            candidate.Reason = Reason.SearchedBefore;
            candidate.AddSource(Source.History);
            candidate.Features.LastSearched = entry.Time;
            result.Add(candidate);
        }

        return result;
    }
}
