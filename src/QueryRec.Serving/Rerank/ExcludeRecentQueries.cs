using QueryRec.Core.Matching;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Drops the queries the caller searched recently (they already know them): every query of their recent list, or with
/// <paramref name="within"/> those searched within that long before the request, and then also their near-duplicates
/// (the version's <see cref="NearDuplicateKeys"/>: "smart watch" after a search of "smartwatch").
/// </summary>
internal sealed class ExcludeRecentQueries(Func<StrategyOptions, TimeSpan>? within = null) : IRerankStep<BrowseContext>
{
    public string Name => "exclude_recent";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var recent = await state.Context.RecentQueriesAsync();
        if (within is null)
        {
            var searched = recent.Select(static r => r.Value).ToHashSet(StringComparer.Ordinal);
            return searched.Count == 0 ? candidates : candidates.Where(c => !searched.Contains(c.Text)).ToList();
        }

        var since = state.Context.Now - within(state.Context.Options);
        var nearKeys = state.Context.NearKeys;
        var keys = recent.Where(r => r.Time > since).Select(r => nearKeys.Key(r.Value)).ToHashSet(StringComparer.Ordinal);
        return keys.Count == 0 ? candidates : candidates.Where(c => !keys.Contains(NearDuplicateCollapse.KeyOf(c.Text, nearKeys))).ToList();
    }
}
