using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Suggest with category filters: marks the candidates outside them (and lowers their score in boost mode) before
/// the order is set (<see cref="SuggestContextFilter.MarkAsync"/>). Without filters it does nothing.
/// </summary>
internal sealed class SuggestContextCategories : IRerankStep<SuggestRerankContext>
{
    public string Name => "context_filter";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<SuggestRerankContext> state, CancellationToken cancellationToken)
    {
        var context = state.Context;
        if (context.Filters.Count > 0)
        {
            await SuggestContextFilter.MarkAsync(candidates, context.Filters, context.Snapshot, context.Options.CategoryFilter, context.Options.CategoryBoostFactor, cancellationToken);
        }

        return candidates;
    }
}
