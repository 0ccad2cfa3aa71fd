using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Commands;

/// <summary>One column of the comparison.</summary>
internal sealed record RankerRun(string Name, ReplayResult Near, ReplayResult Exact, OwnLastQueryMetrics OwnLastQuery, TimeSpan Elapsed, StreamingReplayStats? Stats)
{
    /// <summary>An upper bound (<see cref="ReplayCeilings"/>), not a ranker.</summary>
    public bool Ceiling { get; init; }

    /// <summary>What the ranker knew of the test period as it went (<see cref="RankerState"/>); null for a ceiling.</summary>
    public string? State { get; init; }
}
