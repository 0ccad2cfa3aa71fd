using System.Runtime.InteropServices;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Streaming aggregation of a log: interns strings, sessionizes, classifies searches (duplicate, typed
/// fragment, final) and accumulates every statistic. Memory grows with queries, users, items and pairs,
/// never with events.
/// </summary>
internal sealed partial class LogAggregator : IEventSink
{
    private readonly BuildOptions _options;
    private readonly Sessionizer _sessionizer;
    private readonly LogInterner _interner = new();
    private readonly PopularityDecay _decay;
    private readonly HashSet<long> _queryUsers = new(PairComparer.Instance);
    private readonly long _bucketTicks;
    private readonly int _horizonBuckets;
    private readonly List<int> _finals = new(16);
    private readonly HashSet<long> _sessionPairs = new(PairComparer.Instance);
    private readonly HashSet<int> _sessionSources = [];
    private readonly HashSet<int> _sessionTargets = [];
    private readonly HashSet<int> _engagedQueries = [];
    private long _bucketOrigin = long.MinValue;

    public LogAggregator(BuildOptions options)
    {
        _options = options;
        _decay = new PopularityDecay(options.HalfLife.Ticks);
        _bucketTicks = TrendBucket(options).Ticks;
        _horizonBuckets = (int)((options.TrendWindow.Ticks + options.TrendBaseline.Ticks) / _bucketTicks) + 2;
        _sessionizer = new Sessionizer(options.SessionGap, options.MaxDisorder, Process);
    }

    public List<QueryAcc> Queries => _interner.Queries;

    public List<string> ItemNames => _interner.ItemNames;

    public List<string> CategoryNames => _interner.CategoryNames;

    /// <summary>Clicks per (query &lt;&lt; 32 | category).</summary>
    public Dictionary<long, int> CategoryClicks { get; } = new(PairComparer.Instance);

    /// <summary>Sessions per transition (source &lt;&lt; 32 | target).</summary>
    public Dictionary<long, int> Transitions { get; } = new(PairComparer.Instance);

    /// <summary>Interactions per (item &lt;&lt; 32 | query).</summary>
    public Dictionary<long, ItemQueryAcc> ItemQueries { get; } = new(PairComparer.Instance);

    /// <summary>Sessions with at least one transition (N of the q2q contingency table).</summary>
    public long TransitionSessions { get; private set; }

    public long EventsRead { get; private set; }

    public long SearchEvents { get; private set; }

    public long ClickEvents { get; private set; }

    public long CartEvents { get; private set; }

    public long OrderEvents { get; private set; }

    public long EmptyQueries { get; private set; }

    public long DuplicateSearches { get; private set; }

    public long Fragments { get; private set; }

    public long FinalSearches { get; private set; }

    public long UnattributedActions { get; private set; }

    public long Sessions => _loaded?.Sessions ?? _sessionizer.SessionsClosed;

    public int PeakOpenSessions => _loaded is null ? _sessionizer.PeakOpen : _peakOpenLoaded;

    public int DistinctUsers => _loaded is { } totals ? (int)totals.Users : _interner.DistinctUsers;

    /// <summary>The time of the last event of the log (the decay anchor), or null for an empty log.</summary>
    public DateTimeOffset? LastEventTime { get; private set; }

    /// <summary>The trend bucket: one hour when both windows are whole hours, else one minute.</summary>
    public static TimeSpan TrendBucket(BuildOptions options)
        => options.TrendWindow.Ticks % TimeSpan.TicksPerHour == 0 && options.TrendBaseline.Ticks % TimeSpan.TicksPerHour == 0
            ? TimeSpan.FromHours(1)
            : TimeSpan.FromMinutes(1);

    public void Add(LogEvent e)
        => Add(e.Type, e.UserId, e.Query, e.Time.UtcTicks, e.ItemId, e.CategoryId, e.ResultCount ?? -1, e.Amount is { } amount ? (double)amount : 0);

    /// <summary>
    /// Adds one valid event given as spans (the fast JSONL path): strings are interned through alternate
    /// lookups, so a value seen before allocates nothing. An empty item or category means none.
    /// </summary>
    public void Add(LogEventType type, ReadOnlySpan<char> user, ReadOnlySpan<char> rawQuery, long ticks, ReadOnlySpan<char> item, ReadOnlySpan<char> category, int results, double amount)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        AddCore(type, user, rawQuery, ticks, item, category, results, amount);
        AggregateTimestampTicks += System.Diagnostics.Stopwatch.GetTimestamp() - started;
    }

    /// <summary>Stopwatch ticks spent in <see cref="Add(LogEventType, ReadOnlySpan{char}, ReadOnlySpan{char}, long, ReadOnlySpan{char}, ReadOnlySpan{char}, int, double)"/> (interning, sessionizing, aggregating).</summary>
    public long AggregateTimestampTicks { get; private set; }

    private void AddCore(LogEventType type, ReadOnlySpan<char> user, ReadOnlySpan<char> rawQuery, long ticks, ReadOnlySpan<char> item, ReadOnlySpan<char> category, int results, double amount)
    {
        EventsRead++;
        if (ticks > LastTicks)
        {
            LastTicks = ticks;
        }

        if (!_decay.IsAnchored)
        {
            _decay.Anchor(ticks);
            _bucketOrigin = ticks - (ticks % _bucketTicks) - (_horizonBuckets * _bucketTicks * 4);
        }

        switch (type)
        {
            case LogEventType.Search: SearchEvents++; break;
            case LogEventType.Click: ClickEvents++; break;
            case LogEventType.Cart: CartEvents++; break;
            default: OrderEvents++; break;
        }

        var query = _interner.QueryId(rawQuery);
        if (query < 0 && type == LogEventType.Search)
        {
            EmptyQueries++;
            return;
        }

        var se = new SessionEvent
        {
            Type = (byte)type,
            Query = query,
            Ticks = ticks,
            Item = item.IsEmpty ? -1 : _interner.ItemId(item),
            Category = category.IsEmpty ? -1 : _interner.CategoryId(category),
            Results = results,
            Amount = amount,
        };
        _sessionizer.Add(_interner.UserId(user), se);
    }

    /// <summary>
    /// Adds a query with its totals from a query list (no events, so no sessions, users or decay): its count of
    /// final searches and its popularity, summed when the normalized text repeats; one distinct user.
    /// </summary>
    public void AddQueryTotals(string normalized, long count, double popularity)
    {
        var q = Queries[_interner.NormalizedQueryId(normalized)];
        q.Count += count;
        q.Users = 1;
        q.Decayed += popularity;
        FinalSearches += count;
    }

    /// <summary>Closes the remaining sessions and scales the decayed popularity to the log's last event.</summary>
    public void Complete()
    {
        if (_loaded is not null)
        {
            return; // read from tables: already complete, the popularity relative to the last event
        }

        _sessionizer.Flush();
        if (!_decay.IsAnchored)
        {
            return;
        }

        var last = LastTicks;
        LastEventTime = new DateTimeOffset(last, TimeSpan.Zero);
        _decay.Rebase(last, Queries);
    }

    /// <summary>Ticks of the last event seen.</summary>
    public long LastTicks { get; private set; } = long.MinValue;

    /// <summary>Trend bucket index of a time.</summary>
    public int BucketOf(long ticks) => (int)((ticks - _bucketOrigin) / _bucketTicks);

    public long BucketTicks => _bucketTicks;

    private void Process(Session session)
    {
        var events = CollectionsMarshal.AsSpan(session.Events);

        // Queries with a later click, cart or order in the session (by query, or the latest search when the
        // action carries no query).
        _engagedQueries.Clear();
        var latestSearch = -1;
        foreach (ref readonly var e in events)
        {
            if (e.Type == 0)
            {
                latestSearch = e.Query;
            }
            else
            {
                var q = e.Query >= 0 ? e.Query : latestSearch;
                if (q >= 0)
                {
                    _engagedQueries.Add(q);
                }
            }
        }

        // Classify the searches: duplicate (same query and time as an earlier one), typed fragment, final.
        _finals.Clear();
        var previousQuery = -1;
        long previousTicks = long.MinValue;
        for (var i = 0; i < events.Length; i++)
        {
            ref var e = ref events[i];
            if (e.Type != 0)
            {
                continue;
            }

            if (e.Query == previousQuery && e.Ticks == previousTicks)
            {
                DuplicateSearches++;
                continue;
            }

            previousQuery = e.Query;
            previousTicks = e.Ticks;
            if (IsFragment(events, i))
            {
                Fragments++;
                continue;
            }

            FinalSearches++;
            events[i].Final = true;
            CountFinal(session.User, in events[i]);
            _finals.Add(e.Query);
        }

        CountTransitions();

        // Clicks, carts and orders: attributed to their query, or to the latest final search before them.
        var latestFinal = -1;
        foreach (ref readonly var e in events)
        {
            if (e.Type == 0)
            {
                if (e.Final)
                {
                    latestFinal = e.Query;
                }

                continue;
            }

            var q = e.Query >= 0 ? e.Query : latestFinal;
            if (q < 0)
            {
                UnattributedActions++;
                continue;
            }

            var acc = Queries[q];
            var iq = new ItemQueryAcc();
            switch (e.Type)
            {
                case 1:
                    acc.Clicks++;
                    iq.Clicks = 1;
                    if (e.Category >= 0)
                    {
                        CollectionsMarshal.GetValueRefOrAddDefault(CategoryClicks, ((long)q << 32) | (uint)e.Category, out _)++;
                    }

                    break;
                case 2:
                    acc.Carts++;
                    iq.Carts = 1;
                    break;
                default:
                    acc.Orders++;
                    acc.Gmv += e.Amount;
                    iq.Orders = 1;
                    break;
            }

            if (e.Item >= 0)
            {
                ref var pair = ref CollectionsMarshal.GetValueRefOrAddDefault(ItemQueries, ((long)e.Item << 32) | (uint)q, out _);
                pair.Clicks += iq.Clicks;
                pair.Carts += iq.Carts;
                pair.Orders += iq.Orders;
            }
        }
    }

    /// <summary>
    /// A typed fragment: not engaged (no click, cart or order for its query in the session), and a strict
    /// prefix of the user's next search (that is not a duplicate of it) within the fragment window.
    /// </summary>
    private bool IsFragment(ReadOnlySpan<SessionEvent> events, int i)
    {
        ref readonly var e = ref events[i];
        if (_engagedQueries.Contains(e.Query))
        {
            return false;
        }

        var limit = e.Ticks + _options.FragmentWindow.Ticks;
        for (var j = i + 1; j < events.Length; j++)
        {
            ref readonly var next = ref events[j];
            if (next.Ticks > limit)
            {
                return false;
            }

            if (next.Type != 0 || next.Query == e.Query)
            {
                continue;
            }

            var text = Queries[e.Query].Text;
            var nextText = Queries[next.Query].Text;
            return nextText.Length > text.Length && nextText.StartsWith(text, StringComparison.Ordinal);
        }

        return false;
    }

    private void CountFinal(int user, in SessionEvent e)
    {
        var acc = Queries[e.Query];
        acc.Count++;
        if (_queryUsers.Add(((long)e.Query << 32) | (uint)user))
        {
            acc.Users++;
        }

        var weight = _decay.Weight(e.Ticks, Queries); // may rescale acc.Decayed: read it after
        acc.Decayed += weight;
        acc.Trend.Add(BucketOf(e.Ticks), _horizonBuckets);
        if (e.Results >= 0)
        {
            acc.KnownResults++;
            acc.ResultsSum += e.Results;
            if (e.Results == 0)
            {
                acc.ZeroResults++;
            }
        }
    }
}
