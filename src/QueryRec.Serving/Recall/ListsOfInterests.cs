using QueryRec.Contracts.V1;
using QueryRec.Serving.Resilience;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// A ranked list of each of the caller's interest categories (<see cref="InterestCategories"/>), weighted by the
/// category's weight and hinted with it: the trending lists (<c>t:{category}</c>, "trending in your categories"), or
/// with <see cref="Hot"/> the hot lists (<c>h:{category}</c>). Nothing for a caller without interest categories. A
/// failed read is answered by the last good copy (<see cref="LastGoodLists"/>).
/// </summary>
internal sealed class ListsOfInterests(
    string name,
    Func<string, string> keyOf,
    Func<IIndexSnapshot, string, CancellationToken, ValueTask<RankedQueries?>> read,
    Source source,
    Reason reason,
    LastGoodLists lastGood) : IRecallSource<BrowseContext>
{
    public static ListsOfInterests Trending(LastGoodLists lastGood)
        => new("interest_trending", IndexKeys.Trending, static (s, c, ct) => s.GetTrendingAsync(c, ct), Source.Trending, Reason.Trending, lastGood);

    public static ListsOfInterests Hot(LastGoodLists lastGood)
        => new("interest_hot", IndexKeys.Hot, static (s, c, ct) => s.GetHotAsync(c, ct), Source.CategoryHot, Reason.Hot, lastGood);

    public string Name => name;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var categories = await context.InterestsAsync();
        var lists = await Task.WhenAll(categories.Select(c => ReadAsync(serving, c.Category, context, cancellationToken).AsTask()));
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        for (var i = 0; i < categories.Count; i++)
        {
            if (lists[i] is { } list)
            {
                BrowseCandidates.Add(into, list.Queries.Select(static q => (q.Text, q.Score)), source, reason, categories[i].Weight, categories[i].Category);
            }
        }

        return [.. into.Values];
    }

    private ValueTask<RankedQueries?> ReadAsync(Index.ServingIndex serving, string category, BrowseContext context, CancellationToken cancellationToken)
        => lastGood.ReadAsync(keyOf(category), serving.Version, (serving.Snapshot, category, read), static (s, ct) => s.read(s.Snapshot, s.category, ct), context.Call.Scope, cancellationToken);
}
