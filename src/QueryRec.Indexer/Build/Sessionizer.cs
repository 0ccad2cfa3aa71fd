namespace QueryRec.Indexer.Build;

/// <summary>One event of a session, compact: strings are interned to ids by the aggregator.</summary>
internal struct SessionEvent
{
    /// <summary>0 search, 1 click, 2 cart, 3 order (<see cref="Import.LogEventType"/>).</summary>
    public byte Type;

    /// <summary>Normalized query id, or -1 when the event carries no (non-empty) query.</summary>
    public int Query;

    /// <summary>UTC ticks.</summary>
    public long Ticks;

    /// <summary>Item id, or -1.</summary>
    public int Item;

    /// <summary>Category id, or -1.</summary>
    public int Category;

    /// <summary>Result count of a search, or -1 when unknown.</summary>
    public int Results;

    /// <summary>Order amount (0 when unknown).</summary>
    public double Amount;

    /// <summary>Set by the aggregator on a final search.</summary>
    public bool Final;

    /// <summary>Arrival order, to keep the sort of a session stable.</summary>
    public int Seq;
}

/// <summary>A closed session: the events of one user with no inactivity gap, in time order.</summary>
internal sealed class Session
{
    public int User { get; set; }

    public long FirstTicks { get; set; }

    public long LastTicks { get; set; }

    public List<SessionEvent> Events { get; } = new(8);

    /// <summary>Sorts the events by time, ties in arrival order (insertion sort: input is nearly sorted).</summary>
    public void SortByTime()
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Events);
        for (var i = 1; i < span.Length; i++)
        {
            var x = span[i];
            var j = i - 1;
            while (j >= 0 && (span[j].Ticks > x.Ticks || (span[j].Ticks == x.Ticks && span[j].Seq > x.Seq)))
            {
                span[j + 1] = span[j];
                j--;
            }

            span[j + 1] = x;
        }
    }
}

/// <summary>
/// Streaming sessionizer: keeps one open session per active user. An event more than the gap after the
/// user's last event closes the open session and starts a new one. A watermark (the newest event time
/// seen) closes sessions idle for more than gap + max disorder, so memory is bounded by the users active
/// within that span, not by the log (and a session holds at most <see cref="MaxSessionEvents"/>). Events
/// of a session may arrive slightly out of order (e.g. a Best Buy
/// click after a later search): the session is sorted when it closes.
/// </summary>
internal sealed class Sessionizer(TimeSpan gap, TimeSpan maxDisorder, Action<Session> onClosed)
{
    /// <summary>A session this long (a bot, a crawler) is closed and a new one started, so that no user holds unbounded memory.</summary>
    public const int MaxSessionEvents = 10_000;

    private readonly long _gap = gap.Ticks;
    private readonly long _idle = gap.Ticks + maxDisorder.Ticks;
    private readonly Dictionary<int, Session> _open = [];
    private readonly Stack<Session> _pool = new();
    private readonly List<int> _closing = [];
    private long _watermark = long.MinValue;
    private int _sinceSweep;
    private int _seq;

    /// <summary>Sessions closed so far.</summary>
    public long SessionsClosed { get; private set; }

    /// <summary>The most sessions open at once.</summary>
    public int PeakOpen { get; private set; }

    public void Add(int user, SessionEvent e)
    {
        e.Seq = _seq++;
        if (_open.TryGetValue(user, out var session))
        {
            if (e.Ticks > session.LastTicks + _gap || session.Events.Count >= MaxSessionEvents)
            {
                Close(session);
                session = Start(user, e.Ticks);
                _open[user] = session;
            }
        }
        else
        {
            session = Start(user, e.Ticks);
            _open.Add(user, session);
            if (_open.Count > PeakOpen)
            {
                PeakOpen = _open.Count;
            }
        }

        session.Events.Add(e);
        if (e.Ticks > session.LastTicks)
        {
            session.LastTicks = e.Ticks;
        }

        if (e.Ticks < session.FirstTicks)
        {
            session.FirstTicks = e.Ticks;
        }

        if (e.Ticks > _watermark)
        {
            _watermark = e.Ticks;
        }

        // Amortized O(1): a sweep over the open sessions at most once per (open sessions) events.
        if (++_sinceSweep >= Math.Max(4096, _open.Count))
        {
            Sweep();
        }
    }

    /// <summary>Closes every open session, oldest first.</summary>
    public void Flush()
    {
        var rest = _open.Values.OrderBy(s => s.FirstTicks).ThenBy(s => s.User).ToList();
        _open.Clear();
        foreach (var session in rest)
        {
            Close(session);
        }
    }

    private void Sweep()
    {
        _sinceSweep = 0;
        var limit = _watermark - _idle;
        foreach (var (user, session) in _open)
        {
            if (session.LastTicks < limit)
            {
                _closing.Add(user);
            }
        }

        foreach (var user in _closing)
        {
            Close(_open[user]);
            _open.Remove(user);
        }

        _closing.Clear();
    }

    private Session Start(int user, long ticks)
    {
        var session = _pool.Count > 0 ? _pool.Pop() : new Session();
        session.User = user;
        session.FirstTicks = ticks;
        session.LastTicks = ticks;
        return session;
    }

    private void Close(Session session)
    {
        SessionsClosed++;
        session.SortByTime();
        onClosed(session);
        session.Events.Clear();
        if (session.Events.Capacity > 1024)
        {
            session.Events.Capacity = 8; // a bot's huge session: do not keep its buffer pooled
        }

        _pool.Push(session);
    }
}
