using QueryRec.Indexer.Aggregates;

namespace QueryRec.Indexer.Build;

/// <summary>
/// The aggregator as tables: its totals and trend buckets for the aggregates writer, and its state set back from
/// tables (a build from aggregates) instead of from events.
/// </summary>
internal sealed partial class LogAggregator
{
    private AggregateTotals? _loaded;
    private int _peakOpenLoaded;

    /// <summary>The log-wide counts, after <see cref="Complete"/>.</summary>
    public AggregateTotals Totals() => new()
    {
        Events = EventsRead,
        SearchEvents = SearchEvents,
        ClickEvents = ClickEvents,
        CartEvents = CartEvents,
        OrderEvents = OrderEvents,
        EmptyQueries = EmptyQueries,
        Sessions = Sessions,
        Users = DistinctUsers,
        DuplicateSearches = DuplicateSearches,
        Fragments = Fragments,
        FinalSearches = FinalSearches,
        UnattributedActions = UnattributedActions,
        TransitionSessions = TransitionSessions,
        LastEvent = LastEventTime,
    };

    /// <summary>
    /// The trend buckets a build reads (the recent window and the baseline before it, ending at the last event's
    /// bucket), or an empty range for an empty log.
    /// </summary>
    public (int First, int Last) TrendRange()
    {
        if (LastEventTime is not { } end)
        {
            return (0, -1);
        }

        var last = BucketOf(end.UtcTicks);
        var span = (int)((_options.TrendWindow.Ticks + _options.TrendBaseline.Ticks) / _bucketTicks);
        return (last - span + 1, last);
    }

    /// <summary>The start of a trend bucket, in UTC ticks.</summary>
    public long BucketStartTicks(int bucket) => _bucketOrigin + (bucket * _bucketTicks);

    /// <summary>Starts an aggregator from tables: the totals and anchor; the rows follow through the Load methods, and no event.</summary>
    public void LoadTotals(AggregateTotals totals)
    {
        _loaded = totals;
        EventsRead = totals.Events;
        SearchEvents = totals.SearchEvents;
        ClickEvents = totals.ClickEvents;
        CartEvents = totals.CartEvents;
        OrderEvents = totals.OrderEvents;
        EmptyQueries = totals.EmptyQueries;
        DuplicateSearches = totals.DuplicateSearches;
        Fragments = totals.Fragments;
        FinalSearches = totals.FinalSearches;
        UnattributedActions = totals.UnattributedActions;
        TransitionSessions = totals.TransitionSessions;
        if (totals.LastEvent is { } last)
        {
            LastEventTime = last;
            LastTicks = last.UtcTicks;
            _bucketOrigin = LastTicks - (LastTicks % _bucketTicks) - (_horizonBuckets * _bucketTicks * 4);
        }
    }

    /// <summary>The id of a query row (added with empty statistics), and whether the text was new.</summary>
    public (int Id, bool Added) LoadQuery(string normalized)
    {
        var before = Queries.Count;
        var id = _interner.NormalizedQueryId(normalized);
        return (id, Queries.Count > before);
    }

    /// <summary>The id of an item (first sight adds it).</summary>
    public int LoadItem(string item) => _interner.ItemId(item);

    /// <summary>The id of a category (first sight adds it).</summary>
    public int LoadCategory(string category) => _interner.CategoryId(category);

    /// <summary>Adds the searches of one trend bucket of a query, given by its start.</summary>
    public void LoadTrend(int query, long bucketStartTicks, int searches)
        => Queries[query].Trend.Add(BucketOf(bucketStartTicks), _horizonBuckets, searches);

    /// <summary>
    /// This completed aggregator again, with ids in text order (ordinal) and every pair table in key order: the
    /// outputs then do not depend on the order in which a log or a table producer listed things (floating-point sums
    /// run in table order, some ties fall to the id), so a build from tables equals a build from the log. This
    /// aggregator's pair tables are emptied on the way (peak memory: one copy of each).
    /// </summary>
    public LogAggregator Canonical()
    {
        var result = new LogAggregator(_options);
        result.LoadTotals(Totals());
        result._bucketOrigin = _bucketOrigin;
        result._peakOpenLoaded = PeakOpenSessions;
        var queries = Order(Queries.Count, i => Queries[i].Text);
        var queryIds = new int[Queries.Count];
        foreach (var old in queries)
        {
            queryIds[old] = result.Queries.Count;
            result._interner.AppendQuery(Queries[old]);
        }

        var itemIds = Renumber(ItemNames, name => result._interner.ItemId(name));
        var categoryIds = Renumber(CategoryNames, name => result._interner.CategoryId(name));
        Copy(CategoryClicks, result.CategoryClicks, key => queryIds[(int)(key >> 32)], key => categoryIds[(int)(key & 0xFFFFFFFF)]);
        Copy(Transitions, result.Transitions, key => queryIds[(int)(key >> 32)], key => queryIds[(int)(key & 0xFFFFFFFF)]);
        Copy(ItemQueries, result.ItemQueries, key => itemIds[(int)(key >> 32)], key => queryIds[(int)(key & 0xFFFFFFFF)]);
        return result;

        static int[] Order(int count, Func<int, string> text)
        {
            var order = new int[count];
            for (var i = 0; i < count; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (a, b) => string.CompareOrdinal(text(a), text(b)));
            return order;
        }

        static int[] Renumber(List<string> names, Func<string, int> add)
        {
            var ids = new int[names.Count];
            foreach (var old in Order(names.Count, i => names[i]))
            {
                ids[old] = add(names[old]);
            }

            return ids;
        }

        static void Copy<T>(Dictionary<long, T> from, Dictionary<long, T> to, Func<long, int> high, Func<long, int> low)
        {
            var entries = new KeyValuePair<long, T>[from.Count];
            var i = 0;
            foreach (var (key, value) in from)
            {
                entries[i++] = new(((long)high(key) << 32) | (uint)low(key), value);
            }

            from.Clear(); // the copy holds them: free the old table before the new one grows
            from.TrimExcess();
            Array.Sort(entries, static (a, b) => a.Key.CompareTo(b.Key));
            to.EnsureCapacity(entries.Length);
            foreach (var (key, value) in entries)
            {
                to.Add(key, value);
            }
        }
    }
}
