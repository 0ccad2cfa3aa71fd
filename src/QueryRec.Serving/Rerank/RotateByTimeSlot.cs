using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Rotation: keeps the best <c>poolFactor × limit</c> candidates and starts the list at an offset that moves by
/// <c>limit</c> every rotation slot (<c>floor(unix seconds / interval)</c>), plus a per-subject phase so that users
/// do not all see the same word at the same time. Deterministic: the same caller in the same slot gets the same words.
/// </summary>
internal sealed class RotateByTimeSlot(Func<StrategyOptions, TimeSpan> interval, Func<StrategyOptions, int> poolFactor) : IRerankStep<BrowseContext>
{
    public string Name => "rotate";

    /// <summary>How many of the best candidates the rotation shows over its slots (what the steps before it must keep).</summary>
    public int PoolSize(StrategyOptions options, int limit) => Math.Max(1, poolFactor(options)) * limit;

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var pool = candidates.Take(PoolSize(state.Context.Options, state.Limit)).ToList();
        if (pool.Count <= 1)
        {
            return ValueTask.FromResult(pool);
        }

        var slot = state.Context.Now.ToUnixTimeSeconds() / Math.Max(1, (long)interval(state.Context.Options).TotalSeconds);
        var offset = (int)(((slot * state.Limit) + Phase(state.Context.Subject)) % pool.Count);
        return ValueTask.FromResult(pool.Skip(offset).Concat(pool.Take(offset)).ToList());
    }

    private static long Phase(string? subject)
    {
        // FNV-1a: stable across processes (string.GetHashCode is randomized).
        if (subject is null)
        {
            return 0;
        }

        var hash = 2166136261u;
        foreach (var ch in subject)
        {
            hash = (hash ^ ch) * 16777619u;
        }

        return hash % 1024;
    }
}
