using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// One composable rerank step of a product: filters, reorders, cuts or records the candidates. Every product reranks
/// with a list of steps run by <see cref="RerankPipeline"/>; <typeparamref name="TContext"/> is what a product's steps
/// know of the call (<see cref="BrowseContext"/> for Discover and shading words, <see cref="SuggestRerankContext"/>
/// for Suggest). Steps are built once and shared by every call: per-call state comes in the <see cref="RerankState{TContext}"/>.
/// </summary>
internal interface IRerankStep<TContext>
{
    /// <summary>A short name for degraded reasons (<c>rerank_error:{Name}</c>) and spans.</summary>
    string Name { get; }

    ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<TContext> state, CancellationToken cancellationToken);
}
