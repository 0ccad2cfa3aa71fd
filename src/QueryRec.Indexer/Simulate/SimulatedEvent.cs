using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Simulate;

/// <summary>Why the simulator logged a search (the ground truth the tests check the stream against).</summary>
internal enum SearchRole
{
    /// <summary>Not a search (click, cart, order).</summary>
    None,

    /// <summary>A keystroke prefix of the next search, logged within a couple of seconds of it.</summary>
    Fragment,

    /// <summary>A misspelt first search of an intent.</summary>
    Typo,

    /// <summary>The first search of an intent, as intended.</summary>
    Query,

    /// <summary>The corrected query after a typo.</summary>
    Correction,

    /// <summary>A variant of the previous query (synonym, language, word order).</summary>
    Reformulation,

    /// <summary>A narrower query that extends the previous one.</summary>
    Refinement,
}

/// <summary>An event with what the simulator knows about it.</summary>
/// <param name="Event">The logged event.</param>
/// <param name="Role">For a search, why it was logged.</param>
/// <param name="Session">A number unique to the session (not logged).</param>
/// <param name="Intent">The index of the search intent in the session.</param>
/// <param name="Trending">The intent was drawn by a trending burst.</param>
internal readonly record struct SimulatedEvent(LogEvent Event, SearchRole Role, long Session, int Intent, bool Trending);

/// <summary>Counters of a simulation run.</summary>
internal sealed class SimulationStats
{
    private readonly HashSet<string> _queries = new(StringComparer.Ordinal);

    public int Users { get; set; }

    public int ActiveUsers { get; set; }

    public int AnonymousUsers { get; set; }

    public long Sessions { get; set; }

    public long Events { get; set; }

    public long[] ByType { get; } = new long[4];

    public long[] ByRole { get; } = new long[7];

    public long TrendingSearches { get; set; }

    public decimal OrderAmount { get; set; }

    /// <summary>The largest number of events held in the reordering buffer at once.</summary>
    public int MaxBuffered { get; set; }

    public int DistinctQueries => _queries.Count;

    public void Count(in SimulatedEvent e)
    {
        Events++;
        ByType[(int)e.Event.Type]++;
        if (e.Event.Type == LogEventType.Search)
        {
            ByRole[(int)e.Role]++;
            _queries.Add(e.Event.Query);
            if (e.Trending && e.Role != SearchRole.Fragment)
            {
                TrendingSearches++;
            }
        }
        else if (e.Event.Type == LogEventType.Order)
        {
            OrderAmount += e.Event.Amount ?? 0;
        }
    }
}
