using QueryRec.Contracts.V1;
using QueryRec.Serving.Resilience;
using QueryRec.Storage;

namespace QueryRec.Serving.Recall;

/// <summary>
/// The hot list (<c>h:{category}</c>) of the context category or the global one; when its read fails, the last good
/// copy (<see cref="LastGoodLists"/>).
/// </summary>
internal sealed class HotQueries(CategoryScope scope, LastGoodLists lastGood) : IRecallSource<BrowseContext>
{
    public string Name => scope == CategoryScope.Global ? "hot" : "category_hot";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || !RankedLists.TryCategory(scope, context, out var category))
        {
            return [];
        }

        var list = await lastGood.ReadAsync(
            IndexKeys.Hot(category), serving.Version, (serving.Snapshot, category), static (s, ct) => s.Snapshot.GetHotAsync(s.category, ct), context.Call.Scope, cancellationToken);
        return BrowseCandidates.Of(
            list?.Queries.Select(static q => (q.Text, q.Score)),
            category.Length == 0 ? Source.Hot : Source.CategoryHot,
            Reason.Hot,
            category);
    }
}
