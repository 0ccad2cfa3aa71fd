using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Rerank;

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
                StrategyLog.RerankStepFailed(logger, ex, step.Name, strategy);
                state.DegradedReasons.Add("rerank_error:" + step.Name);
                state.Context.Call.Scope.AddStoreFault(ex);
            }
        }

        return candidates;
    }
}
