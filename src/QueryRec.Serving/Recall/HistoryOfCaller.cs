using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>The caller's own recent searches (the HISTORY section), each with the time it was last searched.</summary>
internal sealed class HistoryOfCaller : IRecallSource<BrowseContext>
{
    public string Name => "history";

    /// <summary>Only maps the request's one read of the caller's recent queries.</summary>
    public bool RunsInline => true;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        var recent = await context.RecentQueriesAsync();
        var result = new List<Candidate>(recent.Count);
        foreach (var entry in recent)
        {
            var candidate = new Candidate(entry.Value) { Reason = Reason.SearchedBefore };
            candidate.AddSource(Source.History);
            candidate.Features.LastSearched = entry.Time;
            result.Add(candidate);
        }

        return result;
    }
}
