using QueryRec.Contracts.V1;
using QueryRec.Serving.Resilience;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>
/// The offline trending list (<c>t:{category}</c>) of the context category or the global one; when its read fails,
/// the last good copy (<see cref="LastGoodLists"/>).
/// </summary>
internal sealed class TrendingList(CategoryScope scope, LastGoodLists lastGood) : IRecallSource<BrowseContext>
{
    public string Name => scope == CategoryScope.Global ? "trending_list" : "category_trending_list";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || !RankedLists.TryCategory(scope, context, out var category))
        {
            return [];
        }

        var list = await lastGood.ReadAsync(
            IndexKeys.Trending(category), serving.Version, (serving.Snapshot, category), static (s, ct) => s.Snapshot.GetTrendingAsync(s.category, ct), context.Call.Scope, cancellationToken);
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Score)), Source.Trending, Reason.Trending, category);
    }
}
