using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Per-subject, per-word daily exposure cap (fatigue): drops words already exposed <c>cap</c> times to the caller on
/// the current UTC day (<see cref="IRealtimeStore.GetExposuresAsync"/>; exposures are the reported
/// SUGGESTION_SHOWN impressions). Callers with neither user nor device id are not capped. A cap of 0 disables the step.
/// </summary>
internal sealed class DailyExposureCap(Func<StrategyOptions, int> cap) : IRerankStep<BrowseContext>
{
    public string Name => "exposure_cap";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
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
