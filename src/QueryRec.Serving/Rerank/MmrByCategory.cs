using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Maximal marginal relevance over category hints: greedily picks <c>argmax λ·score/maxScore − (1−λ)·sim</c> (ties:
/// the earliest), where <c>sim</c> is 1 when a picked item has the same (non-empty) category hint, else 0. λ = 1 keeps
/// score order.
/// </summary>
/// <remarks>
/// The step runs after <see cref="OrderByScore"/>, so its input is ordered by score. Then every greedy round has two
/// contenders only: the first unpicked candidate (the best of the penalized ones, when it is penalized) and the first
/// unpicked candidate whose category is not picked yet (the best unpenalized one); both move forward only, so a call
/// is linear instead of quadratic in the candidates (hundreds for a signed-in caller's shading words). The general
/// quadratic loop answers any other input (λ outside [0, 1], scores that are not ordered or not numbers), and both
/// give the same order.
/// </remarks>
internal sealed class MmrByCategory(Func<StrategyOptions, double> lambda) : IRerankStep<BrowseContext>
{
    public string Name => "mmr";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(Order(candidates, lambda(state.Context.Options)));

    /// <summary>The MMR order of <paramref name="candidates"/> (a new list).</summary>
    internal static List<Candidate> Order(List<Candidate> candidates, double l)
    {
        if (candidates.Count == 0)
        {
            return [];
        }

        var max = Math.Max(candidates.Max(static c => c.Score), double.Epsilon);
        return Ordered(candidates, l, max) ? Linear(candidates, l, max) : Quadratic(candidates, l, max);
    }

    private static double Value(double l, double score, double max, double sim) => (l * score / max) - ((1 - l) * sim);

    /// <summary>Whether the linear order applies: λ in [0, 1] and the unpenalized values never increase.</summary>
    private static bool Ordered(List<Candidate> candidates, double l, double max)
    {
        if (!(l >= 0 && l <= 1))
        {
            return false;
        }

        var previous = double.PositiveInfinity;
        foreach (var c in candidates)
        {
            var value = Value(l, c.Score, max, 0);
            if (double.IsNaN(value) || value > previous || double.IsNaN(Value(l, c.Score, max, 1)))
            {
                return false;
            }

            previous = value;
        }

        return true;
    }

    /// <remarks>
    /// Invariants: <c>first</c> is the first unpicked index; <c>fresh</c> the first unpicked one whose category is
    /// empty or not picked, so every unpicked index before it is penalized. With the values non-increasing (and
    /// subtracting the penalty keeping them so), the best penalized contender is <c>first</c> (when before
    /// <c>fresh</c>) and the best unpenalized one is <c>fresh</c>; a penalized candidate after <c>fresh</c> can at
    /// best tie with it and loses the tie, being later.
    /// </remarks>
    private static List<Candidate> Linear(List<Candidate> candidates, double l, double max)
    {
        var n = candidates.Count;
        var picked = new bool[n];
        var categories = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<Candidate>(n);
        var first = 0;
        var fresh = NextFresh(candidates, picked, categories, 0);
        while (result.Count < n)
        {
            var choice = fresh;
            if (fresh == n || (first < fresh && Value(l, candidates[first].Score, max, 1) >= Value(l, candidates[fresh].Score, max, 0)))
            {
                choice = first;
            }

            picked[choice] = true;
            var chosen = candidates[choice];
            result.Add(chosen);
            while (first < n && picked[first])
            {
                first++;
            }

            if (choice == fresh)
            {
                if (chosen.CategoryHint.Length > 0)
                {
                    categories.Add(chosen.CategoryHint);
                }

                fresh = NextFresh(candidates, picked, categories, fresh + 1);
            }
        }

        return result;
    }

    private static int NextFresh(List<Candidate> candidates, bool[] picked, HashSet<string> categories, int from)
    {
        var i = from;
        while (i < candidates.Count && (picked[i] || (candidates[i].CategoryHint.Length > 0 && categories.Contains(candidates[i].CategoryHint))))
        {
            i++;
        }

        return i;
    }

    private static List<Candidate> Quadratic(List<Candidate> candidates, double l, double max)
    {
        var pool = new List<Candidate>(candidates);
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
                var value = Value(l, c.Score, max, sim);
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

        return picked;
    }
}
