using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Commands;

/// <summary>One column of the comparison.</summary>
internal sealed record RankerRun(string Name, ReplayResult Near, ReplayResult Exact, TimeSpan Elapsed, StreamingReplayStats? Stats)
{
    /// <summary>An upper bound (<see cref="ReplayCeilings"/>), not a ranker.</summary>
    public bool Ceiling { get; init; }
}
