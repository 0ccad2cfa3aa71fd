using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>Orders by score, best first (ties keep recall order).</summary>
internal sealed class OrderByScore : IRerankStep<BrowseContext>
{
    public string Name => "order";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(candidates.OrderByDescending(static c => c.Score).ToList());
}
