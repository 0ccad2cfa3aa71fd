namespace QueryRec.Serving.Recall;

/// <summary>
/// The candidates of one Suggest call, reused by later calls: new ones per call would be most of the bytes an uncached
/// call allocates (docs/performance.md, "Allocation-lean hot path"). A call rents an arena, its
/// recall sources take candidates and their lists from it (<see cref="Rent"/>, <see cref="List"/>; safe from concurrent
/// sources), and the call gives it
/// back (<see cref="Return"/>) once nothing can read them any more.
/// </summary>
/// <remarks>
/// A call gives its arena back only when every recall source has finished (no source timed out: a late source may
/// still be filling its candidates) and nothing keeps the candidates past the call (no ranking-feature log); otherwise
/// the arena is simply left to the collector. Past <see cref="Slots"/> candidates a call gets new ones. The pool
/// keeps at most <see cref="Pooled"/> arenas; more concurrent calls rent new ones.
/// </remarks>
internal sealed class CandidateArena
{
    /// <summary>Candidates an arena reuses per call.</summary>
    public const int Slots = 256;

    /// <summary>Candidate lists an arena reuses per call (one per recall source and round).</summary>
    public const int ListSlots = 16;

    /// <summary>Arenas the pool keeps.</summary>
    public const int Pooled = 64;

    private static readonly CandidateArena?[] Pool = new CandidateArena?[Pooled];

    private readonly Candidate?[] _slots = new Candidate?[Slots];
    private int _next;
    private readonly List<Candidate>?[] _lists = new List<Candidate>?[ListSlots];
    private int _nextList;

    /// <summary>How many candidates the current call took (past <see cref="Slots"/>, some were new).</summary>
    public int Rented => Volatile.Read(ref _next);

    /// <summary>An empty arena: a pooled one, or a new one when the pool is empty.</summary>
    public static CandidateArena Rent()
    {
        for (var i = 0; i < Pool.Length; i++)
        {
            if (Volatile.Read(ref Pool[i]) is not null && Interlocked.Exchange(ref Pool[i], null) is { } arena)
            {
                return arena;
            }
        }

        return new CandidateArena();
    }

    /// <summary>Empties <paramref name="arena"/> (<see cref="Clear"/>) and pools it.</summary>
    public static void Return(CandidateArena arena)
    {
        arena.Clear();
        for (var i = 0; i < Pool.Length; i++)
        {
            if (Interlocked.CompareExchange(ref Pool[i], arena, null) is null)
            {
                return;
            }
        }
    }

    /// <summary>Makes every candidate taken as new and every list empty, dropping their references to the call's texts.</summary>
    internal void Clear()
    {
        var used = Math.Min(_next, Slots);
        for (var i = 0; i < used; i++)
        {
            _slots[i]?.Reuse(string.Empty);
        }

        _next = 0;
        var lists = Math.Min(_nextList, ListSlots);
        for (var i = 0; i < lists; i++)
        {
            _lists[i]?.Clear();
        }

        _nextList = 0;
    }

    /// <summary>A candidate as <c>new Candidate(text)</c> makes it, from this arena while it has slots.</summary>
    public Candidate Rent(string text)
    {
        var i = Interlocked.Increment(ref _next) - 1;
        if (i >= Slots)
        {
            return new Candidate(text);
        }

        if (_slots[i] is { } reused)
        {
            reused.Reuse(text);
            return reused;
        }

        return _slots[i] = new Candidate(text);
    }

    /// <summary>An empty list for a recall source's candidates, from this arena while it has lists (their room kept).</summary>
    public List<Candidate> List(int capacity)
    {
        var i = Interlocked.Increment(ref _nextList) - 1;
        if (i >= ListSlots)
        {
            return new List<Candidate>(capacity);
        }

        var list = _lists[i] ??= new List<Candidate>(capacity);
        list.EnsureCapacity(capacity);
        return list;
    }
}
