using QueryRec.Indexer.Evaluate;

namespace QueryRec.Indexer.Commands;

/// <summary>How every column of <c>evaluate</c> is scored.</summary>
/// <param name="MaxPrefix">The longest prefix length replayed.</param>
/// <param name="SavedTopK">The k of pSaved.</param>
/// <param name="NearKey">The near-duplicate hit rule's key.</param>
/// <param name="OwnLastQuery">The own-last-query flag of each test search (<see cref="Evaluate.OwnLastQuery.Flags"/>).</param>
internal sealed record EvaluateScoring(int MaxPrefix, int SavedTopK, Func<string, string> NearKey, IReadOnlyList<bool> OwnLastQuery)
{
    /// <summary>The column <paramref name="name"/> from its near-duplicate-collapsed and exact replay cases.</summary>
    public RankerRun Run(string name, string? state, List<ReplayCase> near, List<ReplayCase> exact, TimeSpan elapsed, Replay.StreamingReplayStats? stats)
        => new(
            name,
            ReplayMetrics.Compute(near, MaxPrefix, SavedTopK, NearKey),
            ReplayMetrics.Compute(exact, MaxPrefix, SavedTopK),
            Evaluate.OwnLastQuery.Compute(near, OwnLastQuery, MaxPrefix, NearKey),
            elapsed,
            stats)
        {
            State = state,
        };
}
