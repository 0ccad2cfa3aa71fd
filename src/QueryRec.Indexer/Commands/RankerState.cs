namespace QueryRec.Indexer.Commands;

/// <summary>The states a column of <c>evaluate</c> is measured in.</summary>
internal static class RankerState
{
    /// <summary>
    /// Nothing of the test period is known: static MPC, or the service with a fresh real-time store to which nothing is
    /// reported (no warmup, no test search), answering from the index alone, as a new deployment or a lost store does.
    /// </summary>
    public const string Cold = "cold";

    /// <summary>
    /// Each test search is known once made: streaming MPC, or the service with the warmup reported first and each test
    /// search reported after its prefixes were asked.
    /// </summary>
    public const string Streaming = "streaming";
}
