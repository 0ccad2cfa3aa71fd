using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Strategies;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>
/// What the browse recall sources (Discover, GetShadingWords) know about one request. The caller's recent queries
/// and viewed items are read at most once per request, lazily, and shared by every source and rerank step.
/// </summary>
internal sealed class BrowseContext
{
    /// <summary>Most pushes sent read per request: the store keeps at most this many (<c>Realtime:PushesSentCap</c>).</summary>
    private const int MaxPushesRead = 1000;

    private readonly Lazy<Task<IReadOnlyList<RecentEntry>>> _recentQueries;
    private readonly Lazy<Task<IReadOnlyList<RecentEntry>>> _viewedItems;
    private readonly Lazy<Task<IReadOnlyList<RecentEntry>>> _orderedItems;
    private readonly Lazy<Task<IReadOnlyList<RecentEntry>>> _pushesSent;
    private readonly Lazy<Task<IReadOnlyList<(string Category, double Weight)>>> _interests;

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
        _recentQueries = Once(subject, historyMax, store.GetRecentQueriesAsync, cancellationToken);
        _viewedItems = Once(subject, historyMax, store.GetViewedItemsAsync, cancellationToken);
        _orderedItems = Once(subject, historyMax, store.GetOrderedItemsAsync, cancellationToken);
        _pushesSent = Once(subject, MaxPushesRead, store.GetPushesSentAsync, cancellationToken);
        _interests = new(() => InterestCategories.ReadAsync(this, cancellationToken));
    }

    /// <summary>The user or device subject (<see cref="RealtimeSubject"/>), null when anonymous.</summary>
    public string? Subject { get; }

    /// <summary>The index snapshot of the request, null when no index is loaded.</summary>
    public ServingIndex? Serving { get; }

    /// <summary>The collapse keys of the request's index version (none when no index is loaded).</summary>
    public QueryRec.Core.Matching.NearDuplicateKeys NearKeys => Serving?.NearKeys ?? QueryRec.Core.Matching.NearDuplicateKeys.None;

    /// <summary>The response's request id (feature logs pair their records with answers by it).</summary>
    public string RequestId { get; init; } = string.Empty;

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

    /// <summary>The caller's recently ordered items, newest first (empty when anonymous).</summary>
    public Task<IReadOnlyList<RecentEntry>> OrderedItemsAsync() => _orderedItems.Value;

    /// <summary>The queries reported pushed to the caller, newest push first (empty when anonymous).</summary>
    public Task<IReadOnlyList<RecentEntry>> PushesSentAsync() => _pushesSent.Value;

    /// <summary>The caller's interest categories from the category hints of their recent queries, strongest first (<see cref="InterestCategories"/>).</summary>
    public Task<IReadOnlyList<(string Category, double Weight)>> InterestsAsync() => _interests.Value;

    // One read per request, made by whichever source or step asks first.
    private static Lazy<Task<IReadOnlyList<RecentEntry>>> Once(
        string? subject, int max, Func<string, int, CancellationToken, Task<IReadOnlyList<RecentEntry>>> read, CancellationToken cancellationToken)
        => new(() => subject is null || max == 0 ? Task.FromResult<IReadOnlyList<RecentEntry>>([]) : read(subject, max, cancellationToken));
}
