using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>Keeps the first <see cref="RerankState{TContext}.Limit"/> candidates (cut in place: the list is the pipeline's own).</summary>
internal sealed class Limit<TContext> : IRerankStep<TContext>
{
    public string Name => "limit";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<TContext> state, CancellationToken cancellationToken)
    {
        if (candidates.Count > state.Limit)
        {
            candidates.RemoveRange(state.Limit, candidates.Count - state.Limit);
        }

        return ValueTask.FromResult(candidates);
    }
}
