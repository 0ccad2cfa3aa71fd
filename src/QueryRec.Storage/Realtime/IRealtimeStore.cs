namespace QueryRec.Storage.Realtime;

/// <summary>
/// The mutable, TTL'd real-time namespace fed by <c>ReportEvents</c>: per-subject recent queries and viewed
/// items, shading-word exposure counters, time-bucketed trending counters, and the event-id dedupe window.
/// A subject is a user (<c>u:{user_id}</c>) or, for anonymous callers, a device (<c>d:{device_id}</c>); see
/// <see cref="RealtimeSubject"/>. Implemented by Redis and by an in-process store (the default with no Redis).
/// Every list and counter is bounded and expires.
/// </summary>
public interface IRealtimeStore
{
    /// <summary>A short name for metrics and logs: "redis" or "embedded".</summary>
    string Name { get; }

    /// <summary>
    /// Marks event ids as seen for the dedupe window and says, per id, whether it was new (true) or already
    /// seen within the window (false). Ids are checked and marked atomically one by one.
    /// </summary>
    Task<bool[]> MarkEventsSeenAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Forgets event ids marked by <see cref="MarkEventsSeenAsync"/>, so that a retry of events whose
    /// <see cref="ApplyAsync"/> failed is processed instead of being reported as duplicates. Best effort.
    /// </summary>
    Task ForgetEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies accepted events in one pipelined round: recent queries, viewed items, exposures, trending.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<RealtimeUpdate> updates, CancellationToken cancellationToken = default);

    /// <summary>The subject's recent distinct queries, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<RecentEntry>> GetRecentQueriesAsync(string subject, int max, CancellationToken cancellationToken = default);

    /// <summary>The subject's recently viewed distinct items, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<RecentEntry>> GetViewedItemsAsync(string subject, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// The queries pushed to the subject (reported PUSH_SENT events), distinct, newest push first, at most
    /// <paramref name="max"/>: what the push cool-down and daily cap count.
    /// </summary>
    Task<IReadOnlyList<RecentEntry>> GetPushesSentAsync(string subject, int max, CancellationToken cancellationToken = default);

    /// <summary>The subject's recently ordered distinct items, newest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<RecentEntry>> GetOrderedItemsAsync(string subject, int max, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every subject that holds a search history or viewed items, with the time of its newest entry, in no particular
    /// order, each once, streamed (a batch job's walk over the namespace, never a request's).
    /// </summary>
    IAsyncEnumerable<RecentEntry> ScanSubjectsAsync(CancellationToken cancellationToken = default);

    /// <summary>How often each of <paramref name="words"/> was exposed to the subject on <paramref name="day"/> (UTC).</summary>
    Task<IReadOnlyDictionary<string, int>> GetExposuresAsync(string subject, DateOnly day, IReadOnlyCollection<string> words, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes normalized queries from the subject's recent queries, or the whole list when <paramref name="queries"/>
    /// is null, and says how many entries went (0 when none were there).
    /// </summary>
    Task<int> DeleteRecentQueriesAsync(string subject, IReadOnlyCollection<string>? queries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the recent queries of <paramref name="fromSubject"/> into those of <paramref name="toSubject"/> (login
    /// merge): one entry per query, the newer time wins, capped and expiring like any write; the moved entries leave
    /// <paramref name="fromSubject"/>. Says how many entries were moved.
    /// </summary>
    Task<int> MoveRecentQueriesAsync(string fromSubject, string toSubject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Erases every per-subject record (right to be forgotten): recent queries, viewed and ordered items, pushes sent,
    /// exposures and the dedupe marks of the subject's events. Anonymous aggregates (trending counts) stay. Says how many records went.
    /// </summary>
    Task<int> EraseSubjectAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// The queries submitted in the trending window ending at <paramref name="now"/>, with their submission
    /// counts and (approximate) distinct submitters, most submitted first, at most <paramref name="max"/>.
    /// </summary>
    Task<IReadOnlyList<TrendingCount>> GetTrendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default);
}

/// <summary>One entry of a recent list: the value (normalized query or item id) and when it happened.</summary>
public readonly record struct RecentEntry(string Value, DateTimeOffset Time);

/// <summary>A query's submissions within the trending window.</summary>
public readonly record struct TrendingCount(string Query, long Count, long DistinctSubjects);

/// <summary>What one accepted event changes in the real-time namespace.</summary>
/// <param name="Kind">Which list or counter.</param>
/// <param name="Subject">The user or device subject key (<see cref="RealtimeSubject"/>).</param>
/// <param name="Value">The normalized query (RecentQuery, Exposure, Trending) or the item id (ViewedItem).</param>
/// <param name="Time">When the event happened (already validated and clamped to now).</param>
public readonly record struct RealtimeUpdate(RealtimeUpdateKind Kind, string Subject, string Value, DateTimeOffset Time);

/// <summary>The kinds of real-time updates.</summary>
public enum RealtimeUpdateKind
{
    /// <summary>A submitted query: joins the subject's recent queries.</summary>
    RecentQuery,

    /// <summary>A viewed (or clicked, carted, ordered) item: joins the subject's viewed items.</summary>
    ViewedItem,

    /// <summary>A shading word or suggestion shown to the subject: counts toward the daily exposure cap.</summary>
    Exposure,

    /// <summary>A submitted query: counts toward trending in its time bucket (count and distinct subjects).</summary>
    Trending,

    /// <summary>A query pushed to the subject (PUSH_SENT): joins the subject's pushes sent (cool-down, daily cap).</summary>
    PushSent,

    /// <summary>An ordered item: joins the subject's ordered items (click-back pushes skip what was bought).</summary>
    OrderedItem,

    /// <summary>
    /// An accepted event (value = its event id): indexes the event's dedupe mark under the subject, so that erasure
    /// finds it without scanning the keyspace.
    /// </summary>
    EventSeen,
}

/// <summary>Subject keys: one namespace for users and anonymous devices.</summary>
public static class RealtimeSubject
{
    /// <summary>The subject of a caller: the user when known, else the device; null when both are empty.</summary>
    public static string? Of(string? userId, string? deviceId)
        => !string.IsNullOrEmpty(userId) ? User(userId)
            : !string.IsNullOrEmpty(deviceId) ? Device(deviceId)
            : null;

    /// <summary>The subject of a user id.</summary>
    public static string User(string userId) => "u:" + userId;

    /// <summary>The subject of a device id.</summary>
    public static string Device(string deviceId) => "d:" + deviceId;
}
