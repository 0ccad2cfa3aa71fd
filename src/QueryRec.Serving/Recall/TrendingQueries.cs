using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>
/// The in-memory trending list shared by strategies: a singleton refreshed from
/// <see cref="IRealtimeStore.GetTrendingAsync"/> every <see cref="TrendingOptions.RefreshInterval"/> (by the injected
/// <see cref="TimeProvider"/>). Reads never touch the store. A failed refresh keeps the previous snapshot, and so does a
/// refresh that read the same content: the snapshot's reference is part of the Suggest response cache's key, so a
/// quiet trending list does not empty that cache every interval. Accepted searches also refresh it early when they
/// amount to <see cref="TrendingOptions.EarlyRefreshShare"/> of what the list counts (<see cref="NoteSearches"/>).
/// Refreshes never overlap, so a slower older read cannot overwrite a newer list.
/// </summary>
internal sealed class TrendingQueries(
    IRealtimeStore store,
    IOptionsMonitor<TrendingOptions> options,
    TimeProvider timeProvider,
    EventClock eventClock,
    ILogger<TrendingQueries> logger) : BackgroundService
{
    private volatile TrendingSnapshot _current = TrendingSnapshot.Empty;
    private volatile bool _lastRefreshFailed;
    private readonly FailureStreak _refreshFailures = new($"Trending refresh from real-time store {store.Name}", timeProvider);
    private long _refreshedAtTicks = DateTimeOffset.MinValue.UtcTicks;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private int _searchesSinceRefresh;
    private long _listedSearches;
    private long _lastRefreshWallTicks = DateTimeOffset.MinValue.UtcTicks;
    private int _earlyRefreshRunning;
    private CancellationToken _stopping;

    /// <summary>Shortest wall-clock gap between two refreshes that accepted searches start.</summary>
    public static readonly TimeSpan EarlyRefreshMinGap = TimeSpan.FromMilliseconds(100);

    /// <summary>The published snapshot.</summary>
    public TrendingSnapshot Current => _current;

    /// <summary>Whether the last refresh failed (the snapshot is stale).</summary>
    public bool IsStale => _lastRefreshFailed;

    /// <summary>Reads the trending window ending now and publishes it. Used by the timer and by tests.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        await _refreshGate.WaitAsync(cancellationToken);
        try
        {
            await RefreshOnceAsync(cancellationToken);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>
    /// Counts searches this instance accepted (outside replay) and starts a refresh when they reach the early-refresh
    /// share of the current list. Returns that refresh, or null when none was started.
    /// </summary>
    public Task? NoteSearches(int count)
    {
        var settings = options.CurrentValue;
        if (count <= 0 || settings.EarlyRefreshShare <= 0 || eventClock.Replay is not null)
        {
            return null;
        }

        var since = Interlocked.Add(ref _searchesSinceRefresh, count);
        var due = Math.Max(settings.EarlyRefreshMinSearches, settings.EarlyRefreshShare * Volatile.Read(ref _listedSearches));
        if (since < due
            || timeProvider.GetUtcNow().UtcTicks - Volatile.Read(ref _lastRefreshWallTicks) < EarlyRefreshMinGap.Ticks
            || Interlocked.CompareExchange(ref _earlyRefreshRunning, 1, 0) != 0)
        {
            return null;
        }

        return Task.Run(EarlyRefreshAsync);
    }

    private async Task EarlyRefreshAsync()
    {
        try
        {
            await RefreshAsync(_stopping);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Host stopping.
        }
        finally
        {
            Volatile.Write(ref _earlyRefreshRunning, 0);
        }
    }

    private async Task RefreshOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = eventClock.Now;
        // Searches accepted from here on may miss this read: they count toward the next early refresh.
        Interlocked.Exchange(ref _searchesSinceRefresh, 0);
        Volatile.Write(ref _lastRefreshWallTicks, timeProvider.GetUtcNow().UtcTicks);
        try
        {
            var trending = await store.GetTrendingAsync(now, settings.MaxQueries, cancellationToken);
            var counts = new Dictionary<string, TrendingCount>(trending.Count, StringComparer.Ordinal);
            var eligible = new List<TrendingCount>();
            long max = 1;
            long listed = 0;
            foreach (var t in trending)
            {
                listed += t.Count;
                // One user's repeated searches neither recall nor boost a query: only enough distinct users do.
                if (t.DistinctSubjects >= settings.MinDistinctUsers)
                {
                    counts[t.Query] = t;
                    max = Math.Max(max, t.Count);
                    eligible.Add(t);
                }
            }

            eligible.Sort(static (a, b) => string.CompareOrdinal(a.Query, b.Query));
            var current = _current;
            if (eligible.Count != current.Eligible.Length || max != current.MaxCount || !eligible.SequenceEqual(current.Eligible))
            {
                _current = new TrendingSnapshot(counts.ToFrozenDictionary(StringComparer.Ordinal), [.. eligible], max, now);
            }

            Volatile.Write(ref _refreshedAtTicks, now.UtcTicks);
            Volatile.Write(ref _listedSearches, listed);
            _lastRefreshFailed = false;
            _refreshFailures.Succeeded(logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _lastRefreshFailed = true;
            _refreshFailures.Failed(logger, ex, (l, e) => TrendingLog.TrendingRefreshFailed(l, e, store.Name));
        }
    }

    /// <summary>
    /// Replay clock: refreshes when "now" is at least <see cref="TrendingOptions.RefreshInterval"/> away from the
    /// last refresh's time (replayed time replaces the timer).
    /// </summary>
    public Task RefreshIfDueAsync(CancellationToken cancellationToken = default)
        => TimeSpan.FromTicks(Math.Abs(eventClock.Now.UtcTicks - Volatile.Read(ref _refreshedAtTicks))) >= options.CurrentValue.RefreshInterval
            ? RefreshAsync(cancellationToken)
            : Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        await RefreshAsync(stoppingToken);
        if (eventClock.Replay is not null)
        {
            // Replayed time moves with ReportEvents, which refreshes (RefreshIfDueAsync); a timer refresh racing it
            // could publish an older snapshot and make a replay non-deterministic.
            return;
        }

        using var timer = new PeriodicTimer(options.CurrentValue.RefreshInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }
}
