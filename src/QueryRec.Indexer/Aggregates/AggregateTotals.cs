namespace QueryRec.Indexer.Aggregates;

/// <summary>The log-wide counts of an aggregation (the meta table's counters) and the decay anchor.</summary>
internal sealed record AggregateTotals
{
    public long Events { get; init; }

    public long SearchEvents { get; init; }

    public long ClickEvents { get; init; }

    public long CartEvents { get; init; }

    public long OrderEvents { get; init; }

    /// <summary>Search events whose query normalizes to nothing.</summary>
    public long EmptyQueries { get; init; }

    public long Sessions { get; init; }

    public long Users { get; init; }

    public long DuplicateSearches { get; init; }

    public long Fragments { get; init; }

    public long FinalSearches { get; init; }

    public long UnattributedActions { get; init; }

    /// <summary>Sessions with at least one q2q transition (N of the contingency table).</summary>
    public long TransitionSessions { get; init; }

    /// <summary>The last event: the anchor of the decayed popularity and the end of the trend window; null for an empty log.</summary>
    public DateTimeOffset? LastEvent { get; init; }
}
