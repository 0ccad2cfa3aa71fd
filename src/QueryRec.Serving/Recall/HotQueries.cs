using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>The hot list (<c>h:{category}</c>) of the context category or the global one.</summary>
internal sealed class HotQueries(CategoryScope scope) : IRecallSource<BrowseContext>
{
    public string Name => scope == CategoryScope.Global ? "hot" : "category_hot";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || !RankedLists.TryCategory(scope, context, out var category))
        {
            return [];
        }

        var list = await serving.Snapshot.GetHotAsync(category, cancellationToken);
        return BrowseCandidates.Of(
            list?.Queries.Select(static q => (q.Text, q.Score)),
            category.Length == 0 ? Source.Hot : Source.CategoryHot,
            Reason.Hot,
            category);
    }
}
