using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>Drops the queries the caller searched recently (they already know them).</summary>
internal sealed class ExcludeRecentQueries : IRerankStep<BrowseContext>
{
    public string Name => "exclude_recent";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var recent = (await state.Context.RecentQueriesAsync()).Select(static r => r.Value).ToHashSet(StringComparer.Ordinal);
        return recent.Count == 0 ? candidates : candidates.Where(c => !recent.Contains(c.Text)).ToList();
    }
}
