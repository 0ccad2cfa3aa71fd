using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Build;

/// <summary>Where the JSONL reader hands each valid event: the C# aggregator, or the stager of the SQL aggregation.</summary>
internal interface IEventSink
{
    /// <summary>Adds one event parsed by the generic reader.</summary>
    void Add(LogEvent e);

    /// <summary>Adds one valid event given as spans (the fast path); an empty item or category means none, results -1 unknown.</summary>
    void Add(LogEventType type, ReadOnlySpan<char> user, ReadOnlySpan<char> rawQuery, long ticks, ReadOnlySpan<char> item, ReadOnlySpan<char> category, int results, double amount);
}
