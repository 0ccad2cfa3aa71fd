using QueryRec.Storage;

namespace QueryRec.Indexer.Build;

/// <summary>What a build counted and produced.</summary>
public sealed record BuildSummary
{
    /// <summary>Events consumed.</summary>
    public long EventsRead { get; init; }

    /// <summary>Search events.</summary>
    public long SearchEvents { get; init; }

    /// <summary>Click events.</summary>
    public long ClickEvents { get; init; }

    /// <summary>Cart events.</summary>
    public long CartEvents { get; init; }

    /// <summary>Order events.</summary>
    public long OrderEvents { get; init; }

    /// <summary>Search events whose query normalizes to nothing (ignored).</summary>
    public long EmptyQueries { get; init; }

    /// <summary>Sessions (user + inactivity gap).</summary>
    public long Sessions { get; init; }

    /// <summary>The most sessions open at once in the streaming sessionizer.</summary>
    public int PeakOpenSessions { get; init; }

    /// <summary>Distinct users.</summary>
    public int Users { get; init; }

    /// <summary>Searches repeating the previous search of the session at the same instant (one search logged per click).</summary>
    public long DuplicateSearches { get; init; }

    /// <summary>Typed fragments: searches that are a strict prefix of the next search within the fragment window, without engagement.</summary>
    public long Fragments { get; init; }

    /// <summary>Final searches (counted in the statistics).</summary>
    public long FinalSearches { get; init; }

    /// <summary>Clicks, carts and orders with no query and no earlier final search in their session.</summary>
    public long UnattributedActions { get; init; }

    /// <summary>Distinct normalized queries with at least one final search.</summary>
    public int QueriesSeen { get; init; }

    /// <summary>Queries removed as purely numeric long strings (item ids).</summary>
    public int RemovedByNumeric { get; init; }

    /// <summary>Queries removed by the blacklist.</summary>
    public int RemovedByBlacklist { get; init; }

    /// <summary>Queries removed by the zero-result filter.</summary>
    public int RemovedByZeroResults { get; init; }

    /// <summary>Queries removed because they were searched fewer than MinCount times.</summary>
    public int RemovedByMinCount { get; init; }

    /// <summary>Queries removed as misspellings of a much more popular query (see <see cref="Misspellings"/>).</summary>
    public int RemovedByMisspelling { get; init; }

    /// <summary>Queries removed (after the count rule) because fewer than MinUsers distinct users searched them.</summary>
    public int RemovedByMinUsers { get; init; }

    /// <summary>Pinned queries (whitelist), kept whatever the rules say.</summary>
    public int Pinned { get; init; }

    /// <summary>Pinned queries that a rule would have removed, or that the log never searched.</summary>
    public int PinnedRescued { get; init; }

    /// <summary>Queries kept in the vocabulary.</summary>
    public int QueriesKept { get; init; }

    /// <summary>Prefix-table nodes written.</summary>
    public int PrefixNodes { get; init; }

    /// <summary>Kept queries with at least one hanzi (indexed in the pinyin tables).</summary>
    public int PinyinQueries { get; init; }

    /// <summary>Full-pinyin nodes written (py:).</summary>
    public int PinyinFullNodes { get; init; }

    /// <summary>Pinyin-initials nodes written (pi:).</summary>
    public int PinyinInitialsNodes { get; init; }

    /// <summary>Word-start infix nodes written (x:).</summary>
    public int InfixNodes { get; init; }

    /// <summary>Queries in the vocabulary chunks (v:).</summary>
    public int VocabularySize { get; init; }

    /// <summary>Vocabulary chunks written (v:0 .. v:{n-1}).</summary>
    public int VocabularyChunks { get; init; }

    /// <summary>q2q lists written (queries with at least one related query).</summary>
    public int RelatedLists { get; init; }

    /// <summary>q2q entries written, over all lists.</summary>
    public long RelatedPairs { get; init; }

    /// <summary>Discover RELATED lists written (rd:).</summary>
    public int DiscoveryRelatedLists { get; init; }

    /// <summary>Entries of the Discover RELATED lists, all sources.</summary>
    public long DiscoveryRelatedEntries { get; init; }

    /// <summary>i2q lists written (items).</summary>
    public int ItemLists { get; init; }

    /// <summary>Refinement lists written.</summary>
    public int RefinementLists { get; init; }

    /// <summary>Correction pairs mined from sessions (c:).</summary>
    public int CorrectionPairs { get; init; }

    /// <summary>Queries folded into another by their spacing (nd:, see <see cref="SpacingFolds"/>).</summary>
    public int SpacingFolds { get; init; }

    /// <summary>Near-duplicate fold chunks written (nd:0 .. nd:{n-1}).</summary>
    public int SpacingFoldChunks { get; init; }

    /// <summary>Pairs of queries differing only by spacing that the fold compared.</summary>
    public int SpacingPairs { get; init; }

    /// <summary>Of those, the pairs whose clicks disagreed (kept apart).</summary>
    public int SpacingRefused { get; init; }

    /// <summary>Of those, the pairs kept apart because one side had no categorized clicks.</summary>
    public int SpacingUnknown { get; init; }

    /// <summary>Hot lists written (categories plus the global one).</summary>
    public int HotLists { get; init; }

    /// <summary>Trending lists written (categories plus the global one).</summary>
    public int TrendingLists { get; init; }

    /// <summary>All records written.</summary>
    public int TotalRecords { get; init; }

    /// <summary>Seconds spent reading and parsing the input (inside the event enumerator).</summary>
    public double ReadSeconds { get; init; }

    /// <summary>Seconds spent sessionizing and aggregating events.</summary>
    public double AggregateSeconds { get; init; }

    /// <summary>Seconds spent on the outputs (hygiene, lists, prefix table, checksum).</summary>
    public double OutputSeconds { get; init; }

    /// <summary>Seconds per output step (hygiene, each table and list, then the sort, checksum and, when streaming, the file write), in build order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> OutputPhaseSeconds { get; init; } = [];

    /// <summary>The log's last event time: the decay anchor and the end of the trending window.</summary>
    public DateTimeOffset? LastEventTime { get; init; }

    /// <summary>The version id.</summary>
    public string Version { get; init; } = string.Empty;

    /// <summary>The content checksum (see <see cref="IndexBuild.ComputeChecksum"/>).</summary>
    public ulong Checksum { get; init; }
}
