using System.Collections.Frozen;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>One published trending snapshot.</summary>
/// <param name="Counts">The eligible queries (enough distinct submitters in the window) by text: a ranking feature.</param>
/// <param name="Eligible">The same queries sorted ordinally, for prefix search.</param>
/// <param name="MaxCount">The highest count among them (normalizer), at least 1.</param>
/// <param name="RefreshedAt">When its content was first read (a refresh that reads the same content keeps the snapshot).</param>
internal sealed record TrendingSnapshot(
    FrozenDictionary<string, TrendingCount> Counts,
    TrendingCount[] Eligible,
    long MaxCount,
    DateTimeOffset RefreshedAt)
{
    public static readonly TrendingSnapshot Empty = new(FrozenDictionary<string, TrendingCount>.Empty, [], 1, DateTimeOffset.MinValue);

    /// <summary>The eligible queries that start with <paramref name="prefix"/>, ordinal order.</summary>
    public IEnumerable<TrendingCount> StartingWith(string prefix)
    {
        var lo = 0;
        var hi = Eligible.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (string.CompareOrdinal(Eligible[mid].Query, prefix) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        for (var i = lo; i < Eligible.Length && Eligible[i].Query.StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            yield return Eligible[i];
        }
    }
}
