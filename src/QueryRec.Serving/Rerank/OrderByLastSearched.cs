using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>Orders a history list newest first: the time of the last search, not a score, is what the user expects.</summary>
internal sealed class OrderByLastSearched : IRerankStep<BrowseContext>
{
    public string Name => "order_last_searched";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(candidates
            .OrderByDescending(static c => c.Features.LastSearched ?? DateTimeOffset.MinValue)
            .ThenBy(static c => c.Text, StringComparer.Ordinal)
            .ToList());
}
