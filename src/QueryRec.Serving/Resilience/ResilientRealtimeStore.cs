using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// The Redis real-time store as the server reads it: reads go through the resilience pipeline (timeout and the
/// circuit breaker shared with the index store); writes (ReportEvents, history deletes, erasure) go straight through, bounded by their own
/// budget (<c>QueryRec:Realtime:StoreBudget</c>).
/// </summary>
internal sealed class ResilientRealtimeStore(IRealtimeStore inner, StoreResilience resilience) : IRealtimeStore
{
    /// <summary>The store that is wrapped.</summary>
    public IRealtimeStore Inner => inner;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public Task<bool[]> MarkEventsSeenAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
        => inner.MarkEventsSeenAsync(eventIds, cancellationToken);

    /// <inheritdoc />
    public Task ForgetEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
        => inner.ForgetEventsAsync(eventIds, cancellationToken);

    /// <inheritdoc />
    public Task ApplyAsync(IReadOnlyList<RealtimeUpdate> updates, CancellationToken cancellationToken = default)
        => inner.ApplyAsync(updates, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetRecentQueriesAsync(string subject, int max, CancellationToken cancellationToken = default)
        => resilience.ExecuteAsync(static (s, ct) => new ValueTask<IReadOnlyList<RecentEntry>>(s.inner.GetRecentQueriesAsync(s.subject, s.max, ct)), (inner, subject, max), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetViewedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
        => resilience.ExecuteAsync(static (s, ct) => new ValueTask<IReadOnlyList<RecentEntry>>(s.inner.GetViewedItemsAsync(s.subject, s.max, ct)), (inner, subject, max), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetPushesSentAsync(string subject, int max, CancellationToken cancellationToken = default)
        => resilience.ExecuteAsync(static (s, ct) => new ValueTask<IReadOnlyList<RecentEntry>>(s.inner.GetPushesSentAsync(s.subject, s.max, ct)), (inner, subject, max), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetOrderedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
        => resilience.ExecuteAsync(static (s, ct) => new ValueTask<IReadOnlyList<RecentEntry>>(s.inner.GetOrderedItemsAsync(s.subject, s.max, ct)), (inner, subject, max), cancellationToken).AsTask();

    /// <inheritdoc />
    public IAsyncEnumerable<RecentEntry> ScanSubjectsAsync(CancellationToken cancellationToken = default)
        => inner.ScanSubjectsAsync(cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, int>> GetExposuresAsync(string subject, DateOnly day, IReadOnlyCollection<string> words, CancellationToken cancellationToken = default)
        => resilience.ExecuteAsync(static (s, ct) => new ValueTask<IReadOnlyDictionary<string, int>>(s.inner.GetExposuresAsync(s.subject, s.day, s.words, ct)), (inner, subject, day, words), cancellationToken).AsTask();

    /// <inheritdoc />
    public Task<int> DeleteRecentQueriesAsync(string subject, IReadOnlyCollection<string>? queries, CancellationToken cancellationToken = default)
        => inner.DeleteRecentQueriesAsync(subject, queries, cancellationToken);

    /// <inheritdoc />
    public Task<int> MoveRecentQueriesAsync(string fromSubject, string toSubject, CancellationToken cancellationToken = default)
        => inner.MoveRecentQueriesAsync(fromSubject, toSubject, cancellationToken);

    /// <inheritdoc />
    public Task<int> EraseSubjectAsync(string subject, CancellationToken cancellationToken = default)
        => inner.EraseSubjectAsync(subject, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<TrendingCount>> GetTrendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
        => resilience.ExecuteAsync(static (s, ct) => new ValueTask<IReadOnlyList<TrendingCount>>(s.inner.GetTrendingAsync(s.now, s.max, ct)), (inner, now, max), cancellationToken).AsTask();
}
