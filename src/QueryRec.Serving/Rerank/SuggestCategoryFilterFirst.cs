using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Suggest with category filters in filter mode: the matching candidates first in their order, the others only fill
/// up to the limit (<see cref="SuggestContextFilter.MatchingFirst"/>). Otherwise the order stays.
/// </summary>
internal sealed class SuggestCategoryFilterFirst : IRerankStep<SuggestRerankContext>
{
    public string Name => "category_filter";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<SuggestRerankContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(state.Context is { Filters.Count: > 0, Options.CategoryFilter: CategoryFilterMode.Filter }
            ? SuggestContextFilter.MatchingFirst(candidates, state.Limit)
            : candidates);
}
