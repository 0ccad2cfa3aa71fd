namespace QueryRec.Storage.Realtime;

/// <summary>
/// The trending time buckets shared by both stores. A bucket starts at a multiple of the bucket width since the Unix
/// epoch (starts are in Unix milliseconds); the window at time t is the bucket holding t and the
/// ceil(window / bucket) - 1 buckets before it.
/// </summary>
internal readonly struct TrendingBuckets
{
    private readonly long _bucketMs;

    public TrendingBuckets(TimeSpan bucket, TimeSpan window)
    {
        _bucketMs = Math.Max(1, (long)bucket.TotalMilliseconds);
        Count = (int)Math.Max(1, (long)Math.Ceiling(window.TotalMilliseconds / _bucketMs));
    }

    /// <summary>How many buckets the window spans.</summary>
    public int Count { get; }

    /// <summary>The start, in Unix milliseconds, of the bucket holding <paramref name="time"/>.</summary>
    public long StartOf(DateTimeOffset time)
    {
        var ms = time.ToUnixTimeMilliseconds();
        return ms - (((ms % _bucketMs) + _bucketMs) % _bucketMs);
    }

    /// <summary>The bucket starts of the window ending at <paramref name="now"/>, newest first.</summary>
    public long[] WindowAt(DateTimeOffset now)
    {
        var current = StartOf(now);
        var starts = new long[Count];
        for (var i = 0; i < Count; i++)
        {
            starts[i] = current - (i * _bucketMs);
        }

        return starts;
    }

    /// <summary>Whether the bucket starting at <paramref name="start"/> is inside the window ending at <paramref name="now"/>.</summary>
    public bool InWindow(long start, DateTimeOffset now)
    {
        var current = StartOf(now);
        return start <= current && start > current - (Count * _bucketMs);
    }

    /// <summary>
    /// How long the keys of a bucket must live from <paramref name="now"/>: until the bucket has left the window,
    /// plus one bucket of slack. Zero or negative when it already left.
    /// </summary>
    public TimeSpan TimeToLive(long start, DateTimeOffset now)
        => TimeSpan.FromMilliseconds(start + ((Count + 1) * _bucketMs) - now.ToUnixTimeMilliseconds());
}
