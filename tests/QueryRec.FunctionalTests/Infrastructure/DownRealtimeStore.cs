using QueryRec.Storage.Realtime;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>A real-time store whose every call fails, as when Redis is down: for degraded-answer tests.</summary>
internal sealed class DownRealtimeStore : IRealtimeStore
{
    public string Name => "down";

    public Task<bool[]> MarkEventsSeenAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default) => throw Down();

    public Task ForgetEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default) => throw Down();

    public Task ApplyAsync(IReadOnlyList<RealtimeUpdate> updates, CancellationToken cancellationToken = default) => throw Down();

    public Task<IReadOnlyList<RecentEntry>> GetRecentQueriesAsync(string subject, int max, CancellationToken cancellationToken = default) => throw Down();

    public Task<IReadOnlyList<RecentEntry>> GetViewedItemsAsync(string subject, int max, CancellationToken cancellationToken = default) => throw Down();

    public Task<IReadOnlyList<RecentEntry>> GetPushesSentAsync(string subject, int max, CancellationToken cancellationToken = default) => throw Down();

    public Task<IReadOnlyList<RecentEntry>> GetOrderedItemsAsync(string subject, int max, CancellationToken cancellationToken = default) => throw Down();

    public IAsyncEnumerable<RecentEntry> ScanSubjectsAsync(CancellationToken cancellationToken = default) => throw Down();

    public Task<IReadOnlyDictionary<string, int>> GetExposuresAsync(string subject, DateOnly day, IReadOnlyCollection<string> words, CancellationToken cancellationToken = default) => throw Down();

    public Task<IReadOnlyList<TrendingCount>> GetTrendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) => throw Down();

    public Task<int> DeleteRecentQueriesAsync(string subject, IReadOnlyCollection<string>? queries, CancellationToken cancellationToken = default) => throw Down();

    public Task<int> MoveRecentQueriesAsync(string fromSubject, string toSubject, CancellationToken cancellationToken = default) => throw Down();

    public Task<int> EraseSubjectAsync(string subject, CancellationToken cancellationToken = default) => throw Down();

    private static InvalidOperationException Down() => new("The real-time store is down (test).");
}
