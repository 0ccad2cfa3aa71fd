using BitFaster.Caching.Lru;

namespace QueryRec.Storage.Realtime;

/// <summary>
/// The real-time namespace in process, the default when no Redis is configured. Same semantics as
/// <see cref="RedisRealtimeStore"/> (times kept to the millisecond, lists distinct and newest first, the same buckets
/// and expiries, measured on the injected <see cref="TimeProvider"/>), bounded by an LRU of subjects and an LRU of
/// event ids. Distinct trending submitters are counted exactly. Thread-safe; state is lost on restart.
/// </summary>
public sealed partial class EmbeddedRealtimeStore : IRealtimeStore
{
    internal static readonly TimeSpan ExposureTtl = TimeSpan.FromDays(2);

    private readonly RealtimeOptions _options;
    private readonly TimeProvider _time;
    private readonly TrendingBuckets _buckets;
    private readonly ConcurrentLru<string, EmbeddedSubjectState> _subjects;
    private readonly ConcurrentLru<string, long> _events;
    private readonly Lock _eventsLock = new();
    private readonly Lock _trendingLock = new();
    private readonly SortedDictionary<long, Dictionary<string, BucketCount>> _trending = [];

    /// <summary>Creates an empty store.</summary>
    public EmbeddedRealtimeStore(RealtimeOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _buckets = new TrendingBuckets(options.TrendingBucket, options.TrendingWindow);
        _subjects = new ConcurrentLru<string, EmbeddedSubjectState>(Math.Max(3, options.EmbeddedMaxSubjects));
        _events = new ConcurrentLru<string, long>(Math.Max(3, options.EmbeddedMaxEventIds));
    }

    /// <inheritdoc />
    public string Name => "embedded";

    /// <inheritdoc />
    public Task<bool[]> MarkEventsSeenAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var expires = now + (long)_options.DedupeWindow.TotalMilliseconds;
        var result = new bool[eventIds.Count];
        lock (_eventsLock)
        {
            for (var i = 0; i < result.Length; i++)
            {
                if (_events.TryGet(eventIds[i], out var until) && until > now)
                {
                    continue;
                }

                _events.AddOrUpdate(eventIds[i], expires);
                result[i] = true;
            }
        }

        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task ForgetEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        lock (_eventsLock)
        {
            foreach (var id in eventIds)
            {
                _events.TryRemove(id);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ApplyAsync(IReadOnlyList<RealtimeUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        var plan = RealtimePlan.Of(updates, _buckets, now);
        AddRecent(plan.RecentQueries, static s => s.RecentQueries, _options.RecentQueriesCap, now);
        AddRecent(plan.ViewedItems, static s => s.ViewedItems, _options.ViewedItemsCap, now);
        AddRecent(plan.PushesSent, static s => s.PushesSent, _options.PushesSentCap, now);
        AddRecent(plan.OrderedItems, static s => s.OrderedItems, _options.ViewedItemsCap, now);

        foreach (var ((subject, day), words) in plan.Exposures)
        {
            var state = Subject(subject);
            lock (state)
            {
                state.AddExposures(day, words, now);
            }
        }

        foreach (var (subject, ids) in plan.EventsSeen)
        {
            var state = Subject(subject);
            lock (state)
            {
                state.AddEvents(ids, now, now + _options.DedupeWindow);
            }
        }

        if (plan.Trending.Count > 0)
        {
            lock (_trendingLock)
            {
                foreach (var stale in _trending.Keys.Where(b => !_buckets.InWindow(b, now)).ToList())
                {
                    _trending.Remove(stale);
                }

                foreach (var (bucket, queries) in plan.Trending)
                {
                    if (!_trending.TryGetValue(bucket, out var counts))
                    {
                        _trending[bucket] = counts = new Dictionary<string, BucketCount>(StringComparer.Ordinal);
                    }

                    foreach (var (query, submissions) in queries)
                    {
                        if (!counts.TryGetValue(query, out var count))
                        {
                            counts[query] = count = new BucketCount();
                        }

                        count.Count += submissions.Count;
                        count.Subjects.UnionWith(submissions.Subjects);
                    }

                    Trim(counts, _options.TrendingQueriesPerBucket);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetRecentQueriesAsync(string subject, int max, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadRecent(subject, max, static s => s.RecentQueries));

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetViewedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadRecent(subject, max, static s => s.ViewedItems));

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetPushesSentAsync(string subject, int max, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadRecent(subject, max, static s => s.PushesSent));

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetOrderedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
        => Task.FromResult(ReadRecent(subject, max, static s => s.OrderedItems));

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, int>> GetExposuresAsync(string subject, DateOnly day, IReadOnlyCollection<string> words, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(words);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        Dictionary<string, int>? counts = null;
        if (_subjects.TryGet(subject, out var state))
        {
            lock (state)
            {
                counts = state.ExposuresOf(day, _time.GetUtcNow());
                foreach (var word in words)
                {
                    result[word] = counts?.GetValueOrDefault(word) ?? 0;
                }
            }
        }
        else
        {
            foreach (var word in words)
            {
                result[word] = 0;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, int>>(result);
    }

    /// <inheritdoc />
    public Task<int> DeleteRecentQueriesAsync(string subject, IReadOnlyCollection<string>? queries, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (!_subjects.TryGet(subject, out var state))
        {
            return Task.FromResult(0);
        }

        lock (state)
        {
            return Task.FromResult(state.RecentQueries.Delete(queries, _time.GetUtcNow(), _options.HistoryTtl));
        }
    }

    /// <inheritdoc />
    public Task<int> MoveRecentQueriesAsync(string fromSubject, string toSubject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromSubject);
        ArgumentException.ThrowIfNullOrEmpty(toSubject);
        if (string.Equals(fromSubject, toSubject, StringComparison.Ordinal) || !_subjects.TryGet(fromSubject, out var from))
        {
            return Task.FromResult(0);
        }

        var now = _time.GetUtcNow();
        IReadOnlyList<RecentEntry> moved;
        lock (from)
        {
            moved = from.RecentQueries.Read(int.MaxValue, now, _options.HistoryTtl);
            from.RecentQueries.Delete(null, now, _options.HistoryTtl);
        }

        if (moved.Count > 0)
        {
            var to = Subject(toSubject);
            lock (to)
            {
                to.RecentQueries.Add(moved.ToDictionary(static e => e.Value, static e => e.Time, StringComparer.Ordinal), _options.RecentQueriesCap, now, _options.HistoryTtl);
            }
        }

        return Task.FromResult(moved.Count);
    }

    /// <inheritdoc />
    public Task<int> EraseSubjectAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var erased = 0;
        if (_subjects.TryRemove(subject, out var state))
        {
            lock (state)
            {
                erased = state.Count();
                lock (_eventsLock)
                {
                    foreach (var id in state.EventIds)
                    {
                        _events.TryRemove(id);
                    }
                }
            }
        }

        // The exact distinct-submitter sets hold subjects: the subject leaves them, its submissions stay counted.
        lock (_trendingLock)
        {
            foreach (var counts in _trending.Values)
            {
                foreach (var count in counts.Values)
                {
                    if (count.Subjects.Remove(subject))
                    {
                        erased++;
                    }
                }
            }
        }

        return Task.FromResult(erased);
    }

    /// <summary>Whether the store holds anything of the subject: its state or a place in a trending submitter set.</summary>
    public bool Holds(string subject)
    {
        if (_subjects.TryGet(subject, out _))
        {
            return true;
        }

        lock (_trendingLock)
        {
            return _trending.Values.Any(counts => counts.Values.Any(c => c.Subjects.Contains(subject)));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TrendingCount>> GetTrendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return Task.FromResult<IReadOnlyList<TrendingCount>>([]);
        }

        var totals = new Dictionary<string, (long Count, HashSet<string> Subjects)>(StringComparer.Ordinal);
        lock (_trendingLock)
        {
            foreach (var bucket in _buckets.WindowAt(now))
            {
                if (!_trending.TryGetValue(bucket, out var counts))
                {
                    continue;
                }

                foreach (var (query, count) in counts)
                {
                    if (!totals.TryGetValue(query, out var total))
                    {
                        total = (0, new HashSet<string>(StringComparer.Ordinal));
                    }

                    total.Subjects.UnionWith(count.Subjects);
                    totals[query] = (total.Count + count.Count, total.Subjects);
                }
            }
        }

        IReadOnlyList<TrendingCount> result = totals
            .OrderByDescending(static p => p.Value.Count)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Take(max)
            .Select(static p => new TrendingCount(p.Key, p.Value.Count, p.Value.Subjects.Count))
            .ToList();
        return Task.FromResult(result);
    }

    private void AddRecent(Dictionary<string, Dictionary<string, DateTimeOffset>> lists, Func<EmbeddedSubjectState, EmbeddedRecentList> list, int cap, DateTimeOffset now)
    {
        foreach (var (subject, values) in lists)
        {
            var state = Subject(subject);
            lock (state)
            {
                list(state).Add(values, cap, now, _options.HistoryTtl);
            }
        }
    }

    private EmbeddedSubjectState Subject(string subject) => _subjects.GetOrAdd(subject, static _ => new EmbeddedSubjectState());

    private IReadOnlyList<RecentEntry> ReadRecent(string subject, int max, Func<EmbeddedSubjectState, EmbeddedRecentList> list)
    {
        if (max <= 0 || !_subjects.TryGet(subject, out var state))
        {
            return [];
        }

        lock (state)
        {
            return list(state).Read(max, _time.GetUtcNow(), _options.HistoryTtl);
        }
    }

    // Like the Redis ZREMRANGEBYRANK trim: drop the least submitted, ties by query, smallest first.
    private static void Trim(Dictionary<string, BucketCount> counts, int cap)
    {
        if (counts.Count <= cap)
        {
            return;
        }

        var drop = counts
            .OrderBy(static p => p.Value.Count)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Take(counts.Count - cap)
            .Select(static p => p.Key)
            .ToList();
        foreach (var query in drop)
        {
            counts.Remove(query);
        }
    }

    private sealed class BucketCount
    {
        public long Count { get; set; }

        public HashSet<string> Subjects { get; } = new(StringComparer.Ordinal);
    }
}
