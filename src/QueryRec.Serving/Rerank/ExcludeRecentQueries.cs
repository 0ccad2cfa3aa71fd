using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Drops the queries the caller searched recently (they already know them): every query of their recent list, or with
/// <paramref name="within"/> those searched within that long before the request.
/// </summary>
internal sealed class ExcludeRecentQueries(Func<StrategyOptions, TimeSpan>? within = null) : IRerankStep<BrowseContext>
{
    public string Name => "exclude_recent";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var since = within is null ? DateTimeOffset.MinValue : state.Context.Now - within(state.Context.Options);
        var recent = (await state.Context.RecentQueriesAsync()).Where(r => r.Time > since).Select(static r => r.Value).ToHashSet(StringComparer.Ordinal);
        return recent.Count == 0 ? candidates : candidates.Where(c => !recent.Contains(c.Text)).ToList();
    }
}
