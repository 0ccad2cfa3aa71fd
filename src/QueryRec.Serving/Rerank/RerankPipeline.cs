using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Runs a product's rerank steps in order. A step that throws is skipped and the answer is degraded
/// (<c>rerank_error:{name}</c>, plus the store's reason when a store read failed); the call never fails because of a step.
/// </summary>
internal static class RerankPipeline
{
    /// <param name="spanPerStep">
    /// A span per step (<c>rerank.{name}</c>) under the caller's rerank span. Suggest passes false: it runs on every
    /// keystroke and its steps are in memory but one, so the rerank span covers them (a failed step still marks it).
    /// </param>
    public static async ValueTask<List<Candidate>> RunAsync<TContext>(
        IReadOnlyList<IRerankStep<TContext>> steps,
        List<Candidate> candidates,
        RerankState<TContext> state,
        ILogger logger,
        string strategy,
        CancellationToken cancellationToken,
        bool spanPerStep = true)
    {
        foreach (var step in steps)
        {
            using var activity = spanPerStep ? QueryRecTelemetry.StartRerankStep(step.Name) : null;
            try
            {
                candidates = await step.ApplyAsync(candidates, state, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                QueryRecTelemetry.Fail(activity ?? System.Diagnostics.Activity.Current, ex);
                StrategyLog.RerankStepFailed(logger, ex, step.Name, strategy);
                state.AddDegraded("rerank_error:" + step.Name);
                state.Scope.AddStoreFault(ex);
            }
        }

        return candidates;
    }
}
