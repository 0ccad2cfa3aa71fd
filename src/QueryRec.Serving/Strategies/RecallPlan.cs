using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Serving.Strategies;

/// <summary>
/// Recall sources plus rerank steps: the unit every browse strategy composes. Recall runs concurrently within the
/// budget (<see cref="RecallRunner"/>), the heuristic scorer scores, then the steps run in order.
/// </summary>
internal sealed class RecallPlan(IReadOnlyList<IRecallSource<BrowseContext>> sources, IReadOnlyList<IRerankStep<BrowseContext>> steps)
{
    public async Task<PlanResult> RunAsync(
        BrowseContext context,
        int limit,
        string strategy,
        TimeSpan budget,
        HeuristicScorer scorer,
        TimeProvider timeProvider,
        ILogger logger,
        string rpc,
        CancellationToken cancellationToken)
    {
        var recall = await RecallRunner.RunAsync(sources, context, context.Call.Scope, budget, timeProvider, logger, rpc, cancellationToken);
        using (QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Rank))
        {
            scorer.Score(recall.Candidates, context.Now, 1, context.Call.Arms?.Heuristic);
        }

        var state = new RerankState<BrowseContext>(context, limit, context.Call.Scope);
        List<Candidate> items;
        using (var rerank = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Rerank))
        {
            items = await RerankPipeline.RunAsync(steps, [.. recall.Candidates], state, logger, strategy, cancellationToken);
            rerank?.SetTag(QueryRecTelemetry.Attributes.Candidates, items.Count);
        }

        return new PlanResult(items, [.. recall.DegradedReasons, .. state.DegradedReasons], state.ModelVersion);
    }
}
