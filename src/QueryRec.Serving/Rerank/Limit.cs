using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>Keeps the first <see cref="RerankState.Limit"/> candidates.</summary>
internal sealed class Limit : IRerankStep
{
    public string Name => "limit";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken)
        => ValueTask.FromResult(candidates.Count <= state.Limit ? candidates : candidates.GetRange(0, state.Limit));
}
