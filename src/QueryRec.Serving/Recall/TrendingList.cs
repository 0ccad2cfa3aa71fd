using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>The offline trending list (<c>t:{category}</c>) of the context category or the global one.</summary>
internal sealed class TrendingList(CategoryScope scope) : IRecallSource<BrowseContext>
{
    public string Name => scope == CategoryScope.Global ? "trending_list" : "category_trending_list";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || !RankedLists.TryCategory(scope, context, out var category))
        {
            return [];
        }

        var list = await serving.Snapshot.GetTrendingAsync(category, cancellationToken);
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Score)), Source.Trending, Reason.Trending, category);
    }
}
