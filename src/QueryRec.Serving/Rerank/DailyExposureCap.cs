using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Per-subject, per-word daily exposure cap (fatigue): drops words already exposed <c>cap</c> times to the caller on
/// the current UTC day (<see cref="IRealtimeStore.GetExposuresAsync"/>; exposures are the reported
/// SUGGESTION_SHOWN impressions). Callers with neither user nor device id are not capped. A cap of 0 disables the step.
/// </summary>
/// <remarks>
/// The steps after this one read only the first <paramref name="needed"/> words it keeps (the rotation pool), so the
/// exposures are read in chunks, best first, until that many words pass or none are left: one small read for most
/// calls instead of one for every candidate (hundreds for a signed-in caller). Words past those are not returned.
/// </remarks>
internal sealed class DailyExposureCap(Func<StrategyOptions, int> cap, Func<StrategyOptions, int, int> needed) : IRerankStep<BrowseContext>
{
    public string Name => "exposure_cap";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var max = cap(state.Context.Options);
        if (max <= 0 || state.Context.Subject is not { } subject || candidates.Count == 0)
        {
            return candidates;
        }

        var need = Math.Max(1, needed(state.Context.Options, state.Limit));
        var day = DateOnly.FromDateTime(state.Context.Now.UtcDateTime);
        var kept = new List<Candidate>(Math.Min(need, candidates.Count));
        var next = 0;
        while (kept.Count < need && next < candidates.Count)
        {
            // The first chunk is what is needed; a later one twice what is still missing (some of it is capped too).
            var take = Math.Min(candidates.Count - next, next == 0 ? need : 2 * (need - kept.Count));
            var chunk = candidates.GetRange(next, take);
            next += take;
            var exposures = await state.Context.Store.GetExposuresAsync(subject, day, chunk.Select(static c => c.Text).ToList(), cancellationToken);
            foreach (var c in chunk)
            {
                if (kept.Count < need && exposures.GetValueOrDefault(c.Text) < max)
                {
                    kept.Add(c);
                }
            }
        }

        return kept;
    }
}
