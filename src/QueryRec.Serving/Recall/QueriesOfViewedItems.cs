using QueryRec.Contracts.V1;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Recall;

/// <summary>
/// i2q of the caller's recently viewed items: the queries that led other users to those items. With
/// <paramref name="skipOrdered"/> the items the caller ordered are skipped (push's click-back: viewed but not bought).
/// </summary>
internal sealed class QueriesOfViewedItems(Func<StrategyOptions, int> maxItems, bool skipOrdered = false) : IRecallSource<BrowseContext>
{
    public string Name => skipOrdered ? "i2q_viewed_not_bought" : "i2q_viewed";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var ordered = skipOrdered ? (await context.OrderedItemsAsync()).Select(static o => o.Value).ToHashSet(StringComparer.Ordinal) : null;
        var viewed = (await context.ViewedItemsAsync()).Where(v => ordered?.Contains(v.Value) != true).Take(maxItems(context.Options)).ToList();
        var lists = await Task.WhenAll(viewed.Select(v => serving.Snapshot.GetItemQueriesAsync(v.Value, cancellationToken).AsTask()));
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        for (var i = 0; i < lists.Length; i++)
        {
            if (lists[i] is { } list)
            {
                BrowseCandidates.Add(into, list.Queries.Select(static q => (q.Text, q.Weight)), Source.I2Q, Reason.ClickedAfterView, BrowseCandidates.RecencyWeight(i));
            }
        }

        return [.. into.Values];
    }
}
