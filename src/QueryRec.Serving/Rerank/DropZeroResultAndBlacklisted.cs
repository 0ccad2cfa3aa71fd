using QueryRec.Serving.Recall;
using QueryRec.Storage.V1;

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

        // Most reads are near-cache hits that complete at once: only the others become tasks (hundreds per call).
        var stats = new QueryStats?[kept.Count];
        List<(int Index, Task<QueryStats?> Read)>? pending = null;
        for (var i = 0; i < kept.Count; i++)
        {
            var read = serving.Snapshot.GetQueryStatsAsync(kept[i].Text, cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                stats[i] = read.Result;
            }
            else
            {
                (pending ??= []).Add((i, read.AsTask()));
            }
        }

        if (pending is not null)
        {
            await Task.WhenAll(pending.Select(static p => p.Read));
            foreach (var (index, read) in pending)
            {
                stats[index] = await read;
            }
        }

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
