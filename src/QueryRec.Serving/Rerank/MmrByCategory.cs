using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Maximal marginal relevance over category hints: greedily picks <c>argmax λ·score/maxScore − (1−λ)·sim</c>, where
/// <c>sim</c> is 1 when a picked item has the same (non-empty) category hint, else 0. λ = 1 keeps score order.
/// </summary>
internal sealed class MmrByCategory(Func<StrategyOptions, double> lambda) : IRerankStep<BrowseContext>
{
    public string Name => "mmr";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var l = lambda(state.Context.Options);
        var pool = new List<Candidate>(candidates);
        var max = pool.Count == 0 ? 1 : Math.Max(pool.Max(static c => c.Score), double.Epsilon);
        var picked = new List<Candidate>(pool.Count);
        var categories = new HashSet<string>(StringComparer.Ordinal);
        while (pool.Count > 0)
        {
            var best = 0;
            var bestValue = double.NegativeInfinity;
            for (var i = 0; i < pool.Count; i++)
            {
                var c = pool[i];
                var sim = c.CategoryHint.Length > 0 && categories.Contains(c.CategoryHint) ? 1.0 : 0.0;
                var value = (l * c.Score / max) - ((1 - l) * sim);
                if (value > bestValue)
                {
                    bestValue = value;
                    best = i;
                }
            }

            var chosen = pool[best];
            pool.RemoveAt(best);
            picked.Add(chosen);
            if (chosen.CategoryHint.Length > 0)
            {
                categories.Add(chosen.CategoryHint);
            }
        }

        return ValueTask.FromResult(picked);
    }
}
