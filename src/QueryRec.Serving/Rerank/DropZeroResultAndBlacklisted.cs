using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Drops blacklisted queries (serving-time blacklist of <see cref="Reranker"/>) and queries whose every search with a
/// known result count returned nothing (index query stats); fills empty category hints from the stats.
/// </summary>
internal sealed class DropZeroResultAndBlacklisted(Reranker reranker) : IRerankStep<BrowseContext>
{
    public string Name => "filter";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var kept = candidates.Where(c => !reranker.IsBlacklisted(c.Text)).ToList();
        if (state.Context.Serving is not { } serving)
        {
            return kept;
        }

        var stats = await Task.WhenAll(kept.Select(c => serving.Snapshot.GetQueryStatsAsync(c.Text, cancellationToken).AsTask()));
        var result = new List<Candidate>(kept.Count);
        for (var i = 0; i < kept.Count; i++)
        {
            if (stats[i] is { } s)
            {
                if (s.SearchesWithResultCount > 0 && s.ZeroResultSearches >= s.SearchesWithResultCount)
                {
                    continue;
                }

                if (kept[i].CategoryHint.Length == 0)
                {
                    kept[i].CategoryHint = s.CategoryHint;
                }
            }

            result.Add(kept[i]);
        }

        return result;
    }
}
