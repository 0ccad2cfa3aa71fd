using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Suggest's order (<see cref="Reranker.Apply"/>): drops blacklisted candidates, then match tier (exact, infix, fuzzy;
/// within exact, literal matches before rarer pinyin-only readings), then score, ties in recall order. All of them are
/// kept, so that collapsing and filtering can still fill the limit.
/// </summary>
internal sealed class OrderByTierAndScore(Reranker reranker) : IRerankStep<SuggestRerankContext>
{
    public string Name => "order";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<SuggestRerankContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(reranker.Apply(candidates, int.MaxValue, state.Context.PinyinOverLiteralRatio));
}
