namespace QueryRec.Indexer.Build;

/// <summary>Search counts per time bucket over the last (window + baseline), oldest first.</summary>
internal struct TrendSeries
{
    public int[]? Buckets;
    public int[]? Counts;
    public int Length;

    public void Add(int bucket, int horizon) => Add(bucket, horizon, 1);

    /// <summary>Adds <paramref name="searches"/> to a bucket (the aggregates tables carry a count per bucket).</summary>
    public void Add(int bucket, int horizon, int searches)
    {
        if (Buckets is null)
        {
            Buckets = new int[2];
            Counts = new int[2];
        }

        var last = Length - 1;
        if (last >= 0 && Buckets[last] == bucket)
        {
            Counts![last] += searches;
            return;
        }

        if (last < 0 || Buckets[last] < bucket)
        {
            // Drop the buckets that fell out of the horizon before growing.
            var keepFrom = 0;
            while (keepFrom < Length && Buckets[keepFrom] < bucket - horizon)
            {
                keepFrom++;
            }

            if (keepFrom > 0)
            {
                Array.Copy(Buckets, keepFrom, Buckets, 0, Length - keepFrom);
                Array.Copy(Counts!, keepFrom, Counts!, 0, Length - keepFrom);
                Length -= keepFrom;
            }

            Insert(Length, bucket, searches);
            return;
        }

        // An earlier bucket (disorder): find it or insert it in order.
        var i = last;
        while (i >= 0 && Buckets[i] > bucket)
        {
            i--;
        }

        if (i >= 0 && Buckets[i] == bucket)
        {
            Counts![i] += searches;
        }
        else
        {
            Insert(i + 1, bucket, searches);
        }
    }

    /// <summary>Sum of the counts of buckets in [from, to].</summary>
    public readonly long Sum(int from, int to)
    {
        long sum = 0;
        for (var i = 0; i < Length; i++)
        {
            if (Buckets![i] >= from && Buckets[i] <= to)
            {
                sum += Counts![i];
            }
        }

        return sum;
    }

    private void Insert(int at, int bucket, int searches)
    {
        if (Length == Buckets!.Length)
        {
            Array.Resize(ref Buckets, Length * 2);
            Array.Resize(ref Counts, Length * 2);
        }

        Array.Copy(Buckets, at, Buckets, at + 1, Length - at);
        Array.Copy(Counts!, at, Counts!, at + 1, Length - at);
        Buckets[at] = bucket;
        Counts![at] = searches;
        Length++;
    }
}
