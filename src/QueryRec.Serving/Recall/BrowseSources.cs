using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Strategies;
using QueryRec.Storage;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>
/// What the browse recall sources (Discover, GetShadingWords) know about one request. The caller's recent queries
/// and viewed items are read at most once per request, lazily, and shared by every source and rerank step.
/// </summary>
internal sealed class BrowseContext
{
    private readonly Lazy<Task<IReadOnlyList<RecentEntry>>> _recentQueries;
    private readonly Lazy<Task<IReadOnlyList<RecentEntry>>> _viewedItems;

    public BrowseContext(
        string? subject,
        ServingIndex? serving,
        string query,
        string itemId,
        string category,
        IRealtimeStore store,
        StrategyOptions options,
        RequestContext call,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var historyMax = options.HistoryMax;
        Options = options;
        Call = call;
        Subject = subject;
        Serving = serving;
        Query = query;
        ItemId = itemId;
        Category = category;
        Store = store;
        Now = now;
        _recentQueries = new(() => subject is null || historyMax == 0
            ? Task.FromResult<IReadOnlyList<RecentEntry>>([])
            : store.GetRecentQueriesAsync(subject, historyMax, cancellationToken));
        _viewedItems = new(() => subject is null || historyMax == 0
            ? Task.FromResult<IReadOnlyList<RecentEntry>>([])
            : store.GetViewedItemsAsync(subject, historyMax, cancellationToken));
    }

    /// <summary>The user or device subject (<see cref="RealtimeSubject"/>), null when anonymous.</summary>
    public string? Subject { get; }

    /// <summary>The index snapshot of the request, null when no index is loaded.</summary>
    public ServingIndex? Serving { get; }

    /// <summary>The normalized context query, empty when none.</summary>
    public string Query { get; }

    /// <summary>The context item id, empty when none.</summary>
    public string ItemId { get; }

    /// <summary>The context category id, empty when none (global).</summary>
    public string Category { get; }

    /// <summary>The real-time store (exposures).</summary>
    public IRealtimeStore Store { get; }

    /// <summary>The request time.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>The strategy options of this call (its experiment arms' or the configured ones), fixed for the whole call.</summary>
    public StrategyOptions Options { get; }

    /// <summary>The call: experiment arms, deadline and degraded reasons.</summary>
    public RequestContext Call { get; }

    /// <summary>The caller's recent distinct queries, newest first (empty when anonymous).</summary>
    public Task<IReadOnlyList<RecentEntry>> RecentQueriesAsync() => _recentQueries.Value;

    /// <summary>The caller's recently viewed items, newest first (empty when anonymous).</summary>
    public Task<IReadOnlyList<RecentEntry>> ViewedItemsAsync() => _viewedItems.Value;
}

/// <summary>Turns index lists into candidates: the list score over the list's best score is the popularity feature.</summary>
internal static class BrowseCandidates
{
    /// <summary>
    /// Adds one candidate per entry to <paramref name="into"/>, scored <c>weight × score / maxScore</c> (rank order
    /// when the list has no positive score), keeping the stronger score when a text repeats.
    /// </summary>
    public static void Add(
        Dictionary<string, Candidate> into,
        IEnumerable<(string Text, double Score)> entries,
        Source source,
        Reason reason,
        double weight = 1.0,
        string categoryHint = "")
    {
        var list = entries.Where(static e => e.Text.Length > 0).ToList();
        var max = list.Count == 0 ? 0 : list.Max(static e => e.Score);
        for (var i = 0; i < list.Count; i++)
        {
            var (text, score) = list[i];
            var normalized = max > 0 ? Math.Max(0, score) / max : 1.0 / (i + 1);
            var value = weight * normalized;
            if (into.TryGetValue(text, out var existing))
            {
                existing.Features.Popularity = Math.Max(existing.Features.Popularity, value);
                continue;
            }

            var candidate = new Candidate(text) { Reason = reason, CategoryHint = categoryHint };
            candidate.AddSource(source);
            candidate.Features.Popularity = value;
            candidate.Features.PopularityMax = 1;
            into.Add(text, candidate);
        }
    }

    public static IReadOnlyList<Candidate> Of(
        IEnumerable<(string Text, double Score)>? entries,
        Source source,
        Reason reason,
        string categoryHint = "")
    {
        if (entries is null)
        {
            return [];
        }

        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        Add(into, entries, source, reason, 1.0, categoryHint);
        return [.. into.Values];
    }

    /// <summary>The newer of a user's history entries weigh more: 1, 1/2, 1/3...</summary>
    public static double RecencyWeight(int index) => 1.0 / (index + 1);
}

/// <summary>Where a category-scoped list is read from.</summary>
internal enum CategoryScope
{
    /// <summary>The context category when one is given, else the global list.</summary>
    ContextOrGlobal,

    /// <summary>The context category only: nothing when no category is given.</summary>
    ContextOnly,

    /// <summary>The global list.</summary>
    Global,
}

/// <summary>q2q of the caller's recent queries (u2q2q): queries that co-occur in sessions with what the user searched.</summary>
internal sealed class RelatedOfRecentQueries(Func<StrategyOptions, int> maxQueries) : IRecallSource<BrowseContext>
{
    public string Name => "q2q_recent";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var recent = (await context.RecentQueriesAsync()).Take(maxQueries(context.Options)).ToList();
        var lists = await Task.WhenAll(recent.Select(r => serving.Snapshot.GetRelatedQueriesAsync(r.Value, cancellationToken).AsTask()));
        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        for (var i = 0; i < lists.Length; i++)
        {
            if (lists[i] is { } list)
            {
                BrowseCandidates.Add(into, list.Queries.Select(static q => (q.Text, q.Score)), Source.Q2Q, Reason.Related, BrowseCandidates.RecencyWeight(i));
            }
        }

        return [.. into.Values];
    }
}

/// <summary>i2q of the caller's recently viewed items: the queries that led other users to those items.</summary>
internal sealed class QueriesOfViewedItems(Func<StrategyOptions, int> maxItems) : IRecallSource<BrowseContext>
{
    public string Name => "i2q_viewed";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var viewed = (await context.ViewedItemsAsync()).Take(maxItems(context.Options)).ToList();
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

/// <summary>q2q of the context query.</summary>
internal sealed class RelatedOfQuery : IRecallSource<BrowseContext>
{
    public string Name => "q2q";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.Query.Length == 0)
        {
            return [];
        }

        var list = await serving.Snapshot.GetRelatedQueriesAsync(context.Query, cancellationToken);
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Score)), Source.Q2Q, Reason.Related);
    }
}

/// <summary>Refinements of the context query: narrower queries that extend it.</summary>
internal sealed class RefinementsOfQuery : IRecallSource<BrowseContext>
{
    public string Name => "refine";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.Query.Length == 0)
        {
            return [];
        }

        var list = await serving.Snapshot.GetRefinementsAsync(context.Query, cancellationToken);
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Score)), Source.Refine, Reason.Refinement);
    }
}

/// <summary>i2q of the context item (click-back): the queries that led to the item being viewed.</summary>
internal sealed class ClickBackOfItem : IRecallSource<BrowseContext>
{
    public string Name => "click_back";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.ItemId.Length == 0)
        {
            return [];
        }

        var list = await serving.Snapshot.GetItemQueriesAsync(context.ItemId, cancellationToken);
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Weight)), Source.I2Q, Reason.ClickedAfterView);
    }
}

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

/// <summary>
/// Operator pins: the index's whitelist pins (<c>w:pins</c>) and the pins of the configuration
/// (<c>QueryRec:Strategies:Pins</c>, read per request, so hot-reloaded); the uncategorized ones and those of
/// the context category.
/// </summary>
internal sealed class Pins(Func<StrategyOptions, IReadOnlyList<PinOption>> configured) : IRecallSource<BrowseContext>
{
    public string Name => "pins";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        var result = new List<Candidate>();
        foreach (var pin in configured(context.Options))
        {
            Add(result, QueryNormalizer.Normalize(pin.Query), pin.Category, context);
        }

        if (context.Serving is { } serving && await serving.Snapshot.GetPinsAsync(cancellationToken) is { } pins)
        {
            foreach (var pin in pins.Pins)
            {
                Add(result, pin.Text, pin.Category, context);
            }
        }

        return result;
    }

    private static void Add(List<Candidate> result, string text, string category, BrowseContext context)
    {
        if (text.Length == 0 || (category.Length > 0 && !string.Equals(category, context.Category, StringComparison.Ordinal)))
        {
            return;
        }

        var candidate = new Candidate(text) { Reason = Reason.Pinned, CategoryHint = category };
        candidate.AddSource(Source.Pinned);
        candidate.Features.Popularity = 1;
        candidate.Features.PopularityMax = 1;
        result.Add(candidate);
    }
}

/// <summary>Resolves the category of a ranked-list source.</summary>
internal static class RankedLists
{
    public static bool TryCategory(CategoryScope scope, BrowseContext context, out string category)
    {
        category = scope switch
        {
            CategoryScope.Global => IndexKeys.GlobalCategory,
            _ => context.Category,
        };
        return scope != CategoryScope.ContextOnly || category.Length > 0;
    }
}
