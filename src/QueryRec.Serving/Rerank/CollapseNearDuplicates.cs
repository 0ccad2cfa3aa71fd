using QueryRec.Core.Matching;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Folds near-duplicate candidates into one item, on candidates in rank order (<see cref="NearDuplicateCollapse"/>), by
/// the collapse keys of the call's index version (<paramref name="keysOf"/>).
/// </summary>
internal sealed class CollapseNearDuplicates<TContext>(Func<TContext, NearDuplicateKeys> keysOf) : IRerankStep<TContext>
{
    public string Name => "collapse";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<TContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(NearDuplicateCollapse.Apply(candidates, keysOf(state.Context)));
}
