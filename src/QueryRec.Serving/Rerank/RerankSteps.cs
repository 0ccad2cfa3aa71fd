using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Rerank;

/// <summary>What a rerank step sees besides the candidates: the request and a place to report degradation.</summary>
internal sealed class RerankState(BrowseContext context, int limit)
{
    public BrowseContext Context { get; } = context;

    /// <summary>How many items the response (or section) shows.</summary>
    public int Limit { get; } = limit;

    /// <summary>Degraded reasons added by the steps (<c>rerank_error:{step}</c>).</summary>
    public List<string> DegradedReasons { get; } = [];
}

/// <summary>One composable rerank step of a strategy: filters, reorders or cuts the candidates.</summary>
internal interface IRerankStep
{
    /// <summary>A short name for degraded reasons.</summary>
    string Name { get; }

    ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken);
}

/// <summary>Runs rerank steps in order. A step that throws is skipped and the answer is degraded (<c>rerank_error:{name}</c>).</summary>
internal static class RerankPipeline
{
    public static async Task<List<Candidate>> RunAsync(
        IReadOnlyList<IRerankStep> steps,
        List<Candidate> candidates,
        RerankState state,
        ILogger logger,
        string strategy,
        CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            using var activity = Telemetry.QueryRecTelemetry.StartRerankStep(step.Name);
            try
            {
                candidates = await step.ApplyAsync(candidates, state, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Telemetry.QueryRecTelemetry.Fail(activity, ex);
                Telemetry.Log.RerankStepFailed(logger, ex, step.Name, strategy);
                state.DegradedReasons.Add("rerank_error:" + step.Name);
            }
        }

        return candidates;
    }
}

/// <summary>Drops the queries the caller searched recently (they already know them).</summary>
internal sealed class ExcludeRecentQueries : IRerankStep
{
    public string Name => "exclude_recent";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
    {
        var recent = (await state.Context.RecentQueriesAsync()).Select(static r => r.Value).ToHashSet(StringComparer.Ordinal);
        return recent.Count == 0 ? candidates : candidates.Where(c => !recent.Contains(c.Text)).ToList();
    }
}

/// <summary>Never echoes the context query.</summary>
internal sealed class ExcludeContextQuery : IRerankStep
{
    public string Name => "exclude_context_query";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
        => ValueTask.FromResult(state.Context.Query.Length == 0
            ? candidates
            : candidates.Where(c => !string.Equals(c.Text, state.Context.Query, StringComparison.Ordinal)).ToList());
}

/// <summary>
/// Drops blacklisted queries (serving-time blacklist of <see cref="Reranker"/>) and queries whose every search with a
/// known result count returned nothing (index query stats); fills empty category hints from the stats.
/// </summary>
internal sealed class DropZeroResultAndBlacklisted(Reranker reranker) : IRerankStep
{
    public string Name => "filter";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
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

/// <summary>
/// Multiplies the score of candidates found by any of <paramref name="sources"/> by a weight: on shading words, the
/// caller's own words (q2q of their searches, i2q of their views) outrank the hot words every list starts from.
/// </summary>
internal sealed class BoostSources(IReadOnlyCollection<Source> sources, Func<StrategyOptions, double> weight) : IRerankStep
{
    public string Name => "boost";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
    {
        var w = weight(state.Context.Options);
        foreach (var candidate in candidates)
        {
            if (candidate.Sources.Exists(sources.Contains))
            {
                candidate.Score *= w;
            }
        }

        return ValueTask.FromResult(candidates);
    }
}

/// <summary>Orders by score, best first (ties keep recall order).</summary>
internal sealed class OrderByScore : IRerankStep
{
    public string Name => "order";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
        => ValueTask.FromResult(candidates.OrderByDescending(static c => c.Score).ToList());
}

/// <summary>
/// Maximal marginal relevance over category hints: greedily picks <c>argmax λ·score/maxScore − (1−λ)·sim</c>, where
/// <c>sim</c> is 1 when a picked item has the same (non-empty) category hint, else 0. λ = 1 keeps score order.
/// </summary>
internal sealed class MmrByCategory(Func<StrategyOptions, double> lambda) : IRerankStep
{
    public string Name => "mmr";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
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

/// <summary>
/// Per-subject, per-word daily exposure cap (fatigue): drops words already exposed <c>cap</c> times to the caller on
/// the current UTC day (<see cref="IRealtimeStore.GetExposuresAsync"/>; exposures are the reported
/// SUGGESTION_SHOWN impressions). Callers with neither user nor device id are not capped. A cap of 0 disables the step.
/// </summary>
internal sealed class DailyExposureCap(Func<StrategyOptions, int> cap) : IRerankStep
{
    public string Name => "exposure_cap";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
    {
        var max = cap(state.Context.Options);
        if (max <= 0 || state.Context.Subject is not { } subject || candidates.Count == 0)
        {
            return candidates;
        }

        var day = DateOnly.FromDateTime(state.Context.Now.UtcDateTime);
        var exposures = await state.Context.Store.GetExposuresAsync(subject, day, candidates.Select(static c => c.Text).ToList(), cancellationToken);
        return candidates.Where(c => exposures.GetValueOrDefault(c.Text) < max).ToList();
    }
}

/// <summary>
/// Rotation: keeps the best <c>poolFactor × limit</c> candidates and starts the list at an offset that moves by
/// <c>limit</c> every rotation slot (<c>floor(unix seconds / interval)</c>), plus a per-subject phase so that users
/// do not all see the same word at the same time. Deterministic: the same caller in the same slot gets the same words.
/// </summary>
internal sealed class RotateByTimeSlot(Func<StrategyOptions, TimeSpan> interval, Func<StrategyOptions, int> poolFactor) : IRerankStep
{
    public string Name => "rotate";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
    {
        var pool = candidates.Take(Math.Max(1, poolFactor(state.Context.Options)) * state.Limit).ToList();
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

/// <summary>Keeps the first <see cref="RerankState.Limit"/> candidates.</summary>
internal sealed class Limit : IRerankStep
{
    public string Name => "limit";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
        => ValueTask.FromResult(candidates.Count <= state.Limit ? candidates : candidates.GetRange(0, state.Limit));
}
