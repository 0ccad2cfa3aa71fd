namespace QueryRec.Serving.Recall;

/// <summary>
/// The caller's interest categories: the category hints (index query stats) of their recent queries, each query
/// weighing by recency (1, 1/2, 1/3...), summed per category, the strongest <c>PushInterestCategories</c> kept and
/// scaled to the strongest (1).
/// </summary>
internal static class InterestCategories
{
    public static async Task<IReadOnlyList<(string Category, double Weight)>> ReadAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var recent = await context.RecentQueriesAsync();
        var stats = await Task.WhenAll(recent.Select(r => serving.Snapshot.GetQueryStatsAsync(r.Value, cancellationToken).AsTask()));
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < stats.Length; i++)
        {
            if (stats[i] is { CategoryHint.Length: > 0 } s)
            {
                weights[s.CategoryHint] = weights.GetValueOrDefault(s.CategoryHint) + BrowseCandidates.RecencyWeight(i);
            }
        }

        var top = weights
            .OrderByDescending(static p => p.Value)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Take(context.Options.PushInterestCategories)
            .ToList();
        return top.Count == 0 ? [] : [.. top.Select(p => (p.Key, p.Value / top[0].Value))];
    }
}
