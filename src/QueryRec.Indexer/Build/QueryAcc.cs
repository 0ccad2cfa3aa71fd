namespace QueryRec.Indexer.Build;

/// <summary>The running statistics of one normalized query.</summary>
internal sealed class QueryAcc(string text)
{
    public string Text { get; } = text;

    /// <summary>Final searches.</summary>
    public long Count;

    public int Users;

    /// <summary>Σ 2^((t − anchor)/halfLife) over final searches, relative to the aggregator's current anchor.</summary>
    public double Decayed;

    public long Clicks;

    public long Carts;

    public long Orders;

    public double Gmv;

    public long KnownResults;

    public long ZeroResults;

    /// <summary>Σ results over the final searches with a known result count.</summary>
    public long ResultsSum;

    /// <summary>Sessions in which the query is the source / target of at least one transition (q2q).</summary>
    public int Sources;

    public int Targets;

    public TrendSeries Trend;
}
