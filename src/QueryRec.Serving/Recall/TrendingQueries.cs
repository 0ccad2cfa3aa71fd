using System.Collections.Frozen;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>Real-time trending recall. Section <c>QueryRec:Trending</c>.</summary>
public sealed class TrendingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Trending";

    /// <summary>How often the in-memory trending list is re-read from the real-time store.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Distinct users (or devices) who must have submitted a query within the trending window before it is
    /// recalled as trending (it may be absent from the published index).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MinDistinctUsers { get; set; } = 3;

    /// <summary>Most trending queries read per refresh (most submitted first).</summary>
    [Range(1, 100_000)]
    public int MaxQueries { get; set; } = 2000;

    /// <summary>Most trending queries one request recalls for its prefix (the most submitted win).</summary>
    [Range(1, 1000)]
    public int MaxPerRequest { get; set; } = 20;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="TrendingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class TrendingOptionsValidator : IValidateOptions<TrendingOptions>;

/// <summary>One published trending snapshot.</summary>
/// <param name="Counts">The eligible queries (enough distinct submitters in the window) by text: a ranking feature.</param>
/// <param name="Eligible">The same queries sorted ordinally, for prefix search.</param>
/// <param name="MaxCount">The highest count among them (normalizer), at least 1.</param>
/// <param name="RefreshedAt">When its content was first read (a refresh that reads the same content keeps the snapshot).</param>
internal sealed record TrendingSnapshot(
    FrozenDictionary<string, TrendingCount> Counts,
    TrendingCount[] Eligible,
    long MaxCount,
    DateTimeOffset RefreshedAt)
{
    public static readonly TrendingSnapshot Empty = new(FrozenDictionary<string, TrendingCount>.Empty, [], 1, DateTimeOffset.MinValue);

    /// <summary>The eligible queries that start with <paramref name="prefix"/>, ordinal order.</summary>
    public IEnumerable<TrendingCount> StartingWith(string prefix)
    {
        var lo = 0;
        var hi = Eligible.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(Eligible[mid].Query, prefix) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < Eligible.Length && Eligible[i].Query.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            yield return Eligible[i];
        }
    }
}

/// <summary>
/// The in-memory trending list shared by strategies: a singleton refreshed from
/// <see cref="IRealtimeStore.GetTrendingAsync"/> every <see cref="TrendingOptions.RefreshInterval"/> (by the injected
/// <see cref="TimeProvider"/>). Reads never touch the store. A failed refresh keeps the previous snapshot, and so does a
/// refresh that read the same content: the snapshot's reference is part of the Suggest response cache's key, so a
/// quiet trending list does not empty that cache every interval.
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

    /// <summary>The published snapshot.</summary>
    public TrendingSnapshot Current => _current;

    /// <summary>Whether the last refresh failed (the snapshot is stale).</summary>
    public bool IsStale => _lastRefreshFailed;

    /// <summary>Reads the trending window ending now and publishes it. Used by the timer and by tests.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.CurrentValue;
        var now = eventClock.Now;
        try
        {
            var trending = await store.GetTrendingAsync(now, settings.MaxQueries, cancellationToken);
            var counts = new Dictionary<string, TrendingCount>(trending.Count, StringComparer.Ordinal);
            var eligible = new List<TrendingCount>();
            long max = 1;
            foreach (var t in trending)
            {
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
            _lastRefreshFailed = false;
            _refreshFailures.Succeeded(logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _lastRefreshFailed = true;
            _refreshFailures.Failed(logger, ex, (l, e) => Log.TrendingRefreshFailed(l, e, store.Name));
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
