using StackExchange.Redis;

namespace QueryRec.Storage.Realtime;

/// <summary>
/// The real-time namespace on Redis (key layout: <see cref="RealtimeKeyspace"/>). Every command touches a single
/// key, except one PFCOUNT per trending query over that query's bucket HyperLogLogs, which share a hash tag; so it
/// runs on Redis Cluster. Commands of one call are issued together (pipelined) and awaited together.
/// </summary>
public sealed partial class RedisRealtimeStore : IRealtimeStore
{
    // KEYS[1]: a trending bucket (sorted set). ARGV[1]: most queries kept; ARGV[2]: TTL in ms; then pairs (increment, query).
    private const string TrendingScript = """
        for i = 3, #ARGV, 2 do
          redis.call('ZINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        local cap = tonumber(ARGV[1])
        local n = redis.call('ZCARD', KEYS[1])
        if n > cap then
          redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - cap - 1)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return n
        """;

    // KEYS[1]: a recent list. ARGV[1]: the expiry cutoff in Unix ms (entries at or before it are expired); then the
    // members to delete, or none to delete the whole list. Returns how many live entries went.
    private const string DeleteRecentScript = """
        local cutoff = tonumber(ARGV[1])
        if #ARGV == 1 then
          local n = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
          redis.call('DEL', KEYS[1])
          return n
        end
        local n = 0
        for i = 2, #ARGV do
          local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
          if score and tonumber(score) > cutoff then
            n = n + 1
          end
          redis.call('ZREM', KEYS[1], ARGV[i])
        end
        return n
        """;

    private static readonly RedisValue Seen = 1;
    private static readonly TimeSpan ExposureTtl = TimeSpan.FromDays(2);

    private readonly IConnectionMultiplexer _redis;
    private readonly RealtimeOptions _options;
    private readonly TimeProvider _time;
    private readonly RealtimeKeyspace _keys;
    private readonly TrendingBuckets _buckets;

    /// <summary>Creates a store over the shared multiplexer.</summary>
    /// <param name="redis">The process's shared multiplexer.</param>
    /// <param name="keyPrefix">The prefix of every key, the same as the index store's (e.g. "qr:").</param>
    /// <param name="options">Caps, windows and TTLs.</param>
    /// <param name="timeProvider">The clock for bucket arithmetic and relative expiries.</param>
    public RedisRealtimeStore(IConnectionMultiplexer redis, string keyPrefix, RealtimeOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        ArgumentNullException.ThrowIfNull(options);
        if (keyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("The key prefix may not contain '{' or '}' (hash tags are chosen by the store).", nameof(keyPrefix));
        }

        _redis = redis;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _keys = new RealtimeKeyspace(keyPrefix);
        _buckets = new TrendingBuckets(options.TrendingBucket, options.TrendingWindow);
    }

    /// <inheritdoc />
    public string Name => "redis";

    private IDatabase Db => _redis.GetDatabase();

    /// <inheritdoc />
    public async Task<bool[]> MarkEventsSeenAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var db = Db;
        var pending = new Task<bool>[eventIds.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i] = db.StringSetAsync(_keys.Event(eventIds[i]), Seen, _options.DedupeWindow, When.NotExists);
        }

        return await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task ForgetEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventIds);
        var db = Db;
        var pending = new Task[eventIds.Count];
        for (var i = 0; i < pending.Length; i++)
        {
            pending[i] = db.KeyDeleteAsync(_keys.Event(eventIds[i]));
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(IReadOnlyList<RealtimeUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var now = _time.GetUtcNow();
        var plan = RealtimePlan.Of(updates, _buckets, now);
        var db = Db;
        var pending = new List<Task>();
        AddRecent(db, pending, plan.RecentQueries, _keys.RecentQueries, _options.RecentQueriesCap, now);
        AddRecent(db, pending, plan.ViewedItems, _keys.ViewedItems, _options.ViewedItemsCap, now);
        AddRecent(db, pending, plan.PushesSent, _keys.PushesSent, _options.PushesSentCap, now);
        AddRecent(db, pending, plan.OrderedItems, _keys.OrderedItems, _options.ViewedItemsCap, now);
        var seenUntil = (now + _options.DedupeWindow).ToUnixTimeMilliseconds();
        foreach (var (subject, ids) in plan.EventsSeen)
        {
            var key = _keys.SubjectEvents(subject);
            pending.Add(db.SortedSetAddAsync(key, ids.Select(id => new SortedSetEntry(id, seenUntil)).ToArray()));
            pending.Add(db.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, now.ToUnixTimeMilliseconds()));
            pending.Add(db.KeyExpireAsync(key, _options.DedupeWindow));
        }

        foreach (var ((subject, day), words) in plan.Exposures)
        {
            var key = _keys.Exposures(subject, day);
            foreach (var (word, count) in words)
            {
                pending.Add(db.HashIncrementAsync(key, word, count));
            }

            pending.Add(db.KeyExpireAsync(key, ExposureTtl));
        }

        foreach (var (bucket, queries) in plan.Trending)
        {
            var ttl = _buckets.TimeToLive(bucket, now);
            var ttlMs = (long)Math.Ceiling(ttl.TotalMilliseconds);
            var args = new RedisValue[2 + (queries.Count * 2)];
            args[0] = _options.TrendingQueriesPerBucket;
            args[1] = ttlMs;
            var a = 2;
            foreach (var (query, submissions) in queries)
            {
                args[a++] = submissions.Count;
                args[a++] = query;
                var submitters = _keys.Submitters(query, bucket);
                pending.Add(db.HyperLogLogAddAsync(submitters, submissions.Subjects.Select(static s => (RedisValue)s).ToArray()));
                pending.Add(db.KeyExpireAsync(submitters, ttl));
            }

            pending.Add(db.ScriptEvaluateAsync(TrendingScript, [_keys.Trending(bucket)], args));
        }

        await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetRecentQueriesAsync(string subject, int max, CancellationToken cancellationToken = default)
        => ReadRecentAsync(_keys.RecentQueries(subject), max, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetViewedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
        => ReadRecentAsync(_keys.ViewedItems(subject), max, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetPushesSentAsync(string subject, int max, CancellationToken cancellationToken = default)
        => ReadRecentAsync(_keys.PushesSent(subject), max, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RecentEntry>> GetOrderedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
        => ReadRecentAsync(_keys.OrderedItems(subject), max, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, int>> GetExposuresAsync(string subject, DateOnly day, IReadOnlyCollection<string> words, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(words);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        if (words.Count == 0)
        {
            return result;
        }

        var fields = words.Distinct(StringComparer.Ordinal).Select(static w => (RedisValue)w).ToArray();
        var values = await Db.HashGetAsync(_keys.Exposures(subject, day), fields).WaitAsync(cancellationToken);
        for (var i = 0; i < fields.Length; i++)
        {
            result[fields[i]!] = values[i].IsNull ? 0 : (int)values[i];
        }

        return result;
    }

    /// <inheritdoc />
    public async Task<int> DeleteRecentQueriesAsync(string subject, IReadOnlyCollection<string>? queries, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        if (queries is { Count: 0 })
        {
            return 0;
        }

        var args = new RedisValue[1 + (queries?.Count ?? 0)];
        args[0] = Cutoff();
        var a = 1;
        foreach (var query in queries ?? [])
        {
            args[a++] = query;
        }

        var deleted = await Db.ScriptEvaluateAsync(DeleteRecentScript, [_keys.RecentQueries(subject)], args).WaitAsync(cancellationToken);
        return (int)deleted;
    }

    /// <inheritdoc />
    public async Task<int> MoveRecentQueriesAsync(string fromSubject, string toSubject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromSubject);
        ArgumentException.ThrowIfNullOrEmpty(toSubject);
        var from = _keys.RecentQueries(fromSubject);
        var entries = await Db.SortedSetRangeByScoreWithScoresAsync(from, Cutoff(), double.PositiveInfinity, Exclude.Start)
            .WaitAsync(cancellationToken);
        if (entries.Length == 0 || string.Equals(fromSubject, toSubject, StringComparison.Ordinal))
        {
            return 0;
        }

        // The two keys may live on different cluster nodes: no transaction spans them. The target is written first, so
        // a failure in between leaves the entries in both lists (merged again by the next event), never in neither.
        var db = Db;
        var pending = new List<Task>();
        AddRecent(db, pending, _keys.RecentQueries(toSubject), entries, _options.RecentQueriesCap, _time.GetUtcNow());
        await Task.WhenAll(pending).WaitAsync(cancellationToken);
        await db.SortedSetRemoveAsync(from, entries.Select(static e => e.Element).ToArray()).WaitAsync(cancellationToken);
        return entries.Length;
    }

    /// <inheritdoc />
    public async Task<int> EraseSubjectAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var db = Db;
        var events = _keys.SubjectEvents(subject);
        var ids = await db.SortedSetRangeByRankAsync(events).WaitAsync(cancellationToken);
        var keys = new List<RedisKey>(ids.Length + 16)
        {
            _keys.RecentQueries(subject), _keys.ViewedItems(subject), _keys.PushesSent(subject), _keys.OrderedItems(subject),
        };
        keys.AddRange(ids.Select(id => _keys.Event((string)id!)));

        // An exposure is counted on its event's day: at most the dedupe window old when written, and the key lives two
        // days past its last write; every day that can still have a key is deleted. The longest window any server may
        // run with is assumed, so that an operator's erasure (which does not know the server's options) misses none.
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var longestWindow = TimeSpan.Parse(RealtimeOptions.MaxDedupeWindowText, System.Globalization.CultureInfo.InvariantCulture);
        var oldest = today.AddDays(-(int)Math.Ceiling(longestWindow.TotalDays) - (int)ExposureTtl.TotalDays - 1);
        for (var day = oldest; day <= today.AddDays(1); day = day.AddDays(1))
        {
            keys.Add(_keys.Exposures(subject, day));
        }

        // Each key alone (a multi-key DEL would cross cluster slots); the events set last, so that a failure part way
        // leaves it to find the marks again on a retry.
        var deletes = keys.Select(k => db.KeyDeleteAsync(k)).ToArray();
        var deleted = (await Task.WhenAll(deletes).WaitAsync(cancellationToken)).Count(static d => d);
        if (await db.KeyDeleteAsync(events).WaitAsync(cancellationToken))
        {
            deleted++;
        }

        return deleted;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrendingCount>> GetTrendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return [];
        }

        var db = Db;
        var starts = _buckets.WindowAt(now);
        var reads = new Task<SortedSetEntry[]>[starts.Length];
        for (var i = 0; i < starts.Length; i++)
        {
            reads[i] = db.SortedSetRangeByRankWithScoresAsync(_keys.Trending(starts[i]), 0, -1, Order.Descending);
        }

        var buckets = await Task.WhenAll(reads).WaitAsync(cancellationToken);
        var totals = new Dictionary<string, (long Count, List<long> Buckets)>(StringComparer.Ordinal);
        for (var i = 0; i < buckets.Length; i++)
        {
            foreach (var entry in buckets[i])
            {
                var query = (string)entry.Element!;
                if (!totals.TryGetValue(query, out var total))
                {
                    total = (0, []);
                }

                total.Buckets.Add(starts[i]);
                totals[query] = (total.Count + (long)entry.Score, total.Buckets);
            }
        }

        var top = totals
            .OrderByDescending(static p => p.Value.Count)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Take(max)
            .ToList();
        var counts = new Task<long>[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            var query = top[i].Key;
            counts[i] = db.HyperLogLogLengthAsync(top[i].Value.Buckets.Select(b => _keys.Submitters(query, b)).ToArray());
        }

        var distinct = await Task.WhenAll(counts).WaitAsync(cancellationToken);
        var result = new TrendingCount[top.Count];
        for (var i = 0; i < top.Count; i++)
        {
            result[i] = new TrendingCount(top[i].Key, top[i].Value.Count, distinct[i]);
        }

        return result;
    }

    private void AddRecent(IDatabase db, List<Task> pending, Dictionary<string, Dictionary<string, DateTimeOffset>> lists, Func<string, RedisKey> keyOf, int cap, DateTimeOffset now)
    {
        foreach (var (subject, values) in lists)
        {
            var entries = values.Select(static v => new SortedSetEntry(v.Key, v.Value.ToUnixTimeMilliseconds())).ToArray();
            AddRecent(db, pending, keyOf(subject), entries, cap, now);
        }
    }

    private void AddRecent(IDatabase db, List<Task> pending, RedisKey key, SortedSetEntry[] entries, int cap, DateTimeOffset now)
    {
        pending.Add(db.SortedSetAddAsync(key, entries, SortedSetWhen.GreaterThan));
        pending.Add(db.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, CutoffAt(now)));
        pending.Add(db.SortedSetRemoveRangeByRankAsync(key, 0, -(cap + 1)));
        pending.Add(db.KeyExpireAsync(key, _options.HistoryTtl));
    }

    /// <summary>The newest expired recent-list time, in Unix ms: entries at or before it are past <c>HistoryTtl</c>.</summary>
    private long Cutoff() => CutoffAt(_time.GetUtcNow());

    private long CutoffAt(DateTimeOffset now) => (now - _options.HistoryTtl).ToUnixTimeMilliseconds();

    private async Task<IReadOnlyList<RecentEntry>> ReadRecentAsync(RedisKey key, int max, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }

        var entries = await Db.SortedSetRangeByScoreWithScoresAsync(key, Cutoff(), double.PositiveInfinity, Exclude.Start, Order.Descending, 0, max)
            .WaitAsync(cancellationToken);
        var result = new RecentEntry[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            result[i] = new RecentEntry((string)entries[i].Element!, DateTimeOffset.FromUnixTimeMilliseconds((long)entries[i].Score));
        }

        return result;
    }
}
