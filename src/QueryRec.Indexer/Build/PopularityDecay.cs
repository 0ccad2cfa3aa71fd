namespace QueryRec.Indexer.Build;

/// <summary>
/// The popularity decay: a final search at time t adds 2^((t − anchor)/halfLife) to its query's
/// <see cref="QueryAcc.Decayed"/>, relative to an anchor that moves forward with the log; moving it rescales every sum.
/// </summary>
internal sealed class PopularityDecay(long halfLifeTicks)
{
    /// <summary>Rebase the decay anchor when an event is this many half-lives after it (2^64 is far from overflow).</summary>
    private const double RebaseHalfLives = 64;

    private long _anchorTicks = long.MinValue;

    /// <summary>False until the first event sets the anchor.</summary>
    public bool IsAnchored => _anchorTicks != long.MinValue;

    /// <summary>Sets the first anchor, at or before <paramref name="ticks"/>.</summary>
    public void Anchor(long ticks) => _anchorTicks = AlignToHalfLife(ticks);

    /// <summary>
    /// The weight of a search at <paramref name="ticks"/> relative to the anchor, after moving the anchor (and
    /// rescaling <paramref name="queries"/>) when the search is too far after it: read a query's sum only after this call.
    /// </summary>
    public double Weight(long ticks, List<QueryAcc> queries)
    {
        var halfLives = (double)(ticks - _anchorTicks) / halfLifeTicks;
        if (halfLives > RebaseHalfLives)
        {
            Rebase(AlignToHalfLife(ticks), queries);
            halfLives = (double)(ticks - _anchorTicks) / halfLifeTicks;
        }

        return double.Exp2(halfLives);
    }

    /// <summary>Moves the decay anchor to <paramref name="ticks"/>, rescaling every accumulator (rare: once per 64 half-lives).</summary>
    public void Rebase(long ticks, List<QueryAcc> queries)
    {
        var factor = double.Exp2(-(double)(ticks - _anchorTicks) / halfLifeTicks);
        foreach (var acc in queries)
        {
            acc.Decayed *= factor;
        }

        _anchorTicks = ticks;
    }

    /// <summary>
    /// Anchors sit on a grid of whole half-lives, so a search's weight does not depend on which event happened to
    /// open the stream (an extra early event must not change the rounding of every sum).
    /// </summary>
    private long AlignToHalfLife(long ticks) => ticks - (((ticks % halfLifeTicks) + halfLifeTicks) % halfLifeTicks);
}
