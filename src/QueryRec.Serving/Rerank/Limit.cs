using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>Keeps the first <see cref="RerankState{TContext}.Limit"/> candidates.</summary>
internal sealed class Limit<TContext> : IRerankStep<TContext>
{
    public string Name => "limit";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<TContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(candidates.Count <= state.Limit ? candidates : candidates.GetRange(0, state.Limit));
}
