using QueryRec.Core.Normalization;

namespace QueryRec.Indexer.Evaluate;

/// <summary>The figures of one Discover column (a section, a union of sections, or the hot-list baseline).</summary>
/// <param name="Name">The column: "RELATED", "RELATED ∪ REFINE", "HOT (baseline)"...</param>
/// <param name="Pairs">Next-query cases asked.</param>
/// <param name="Hits5">Cases whose next query was within the top 5 shown.</param>
/// <param name="Hits10">Cases whose next query was within the top 10 shown.</param>
/// <param name="NonEmpty">Cases answered with at least one query.</param>
/// <param name="Known">Cases whose context query is in the index.</param>
/// <param name="KnownNonEmpty">Of <paramref name="Known"/>, those answered with at least one query.</param>
internal sealed record DiscoveryColumn(string Name, long Pairs, long Hits5, long Hits10, long NonEmpty, long Known, long KnownNonEmpty)
{
    public double HitRate5 => Pairs == 0 ? 0 : (double)Hits5 / Pairs;

    public double HitRate10 => Pairs == 0 ? 0 : (double)Hits10 / Pairs;

    /// <summary>Share of the cases with a known context query that the column answered (the coverage).</summary>
    public double Coverage => Known == 0 ? 0 : (double)KnownNonEmpty / Known;
}

/// <summary>
/// Counts one column: each case adds what the column showed, best first. A hit is the next query's normalized text
/// among the first k shown (normalized the same way); a union column shows each of its sections' first k, so it hits
/// when one of them does.
/// </summary>
internal sealed class DiscoveryMetrics(string name)
{
    private long _pairs, _hits5, _hits10, _nonEmpty, _known, _knownNonEmpty;

    public string Name { get; } = name;

    /// <summary>Adds one case: <paramref name="shown"/> holds one list per section of the column.</summary>
    public void Add(string next, bool known, params IReadOnlyList<string>[] shown)
    {
        ArgumentNullException.ThrowIfNull(shown);
        _pairs++;
        var any = shown.Any(static s => s.Count > 0);
        if (any)
        {
            _nonEmpty++;
        }

        if (known)
        {
            _known++;
            _knownNonEmpty += any ? 1 : 0;
        }

        if (shown.Any(s => Within(s, next, 5)))
        {
            _hits5++;
        }

        if (shown.Any(s => Within(s, next, 10)))
        {
            _hits10++;
        }
    }

    public DiscoveryColumn Result() => new(Name, _pairs, _hits5, _hits10, _nonEmpty, _known, _knownNonEmpty);

    private static bool Within(IReadOnlyList<string> shown, string next, int k)
    {
        for (var i = 0; i < Math.Min(k, shown.Count); i++)
        {
            if (QueryNormalizer.Normalize(shown[i]) == next)
            {
                return true;
            }
        }

        return false;
    }
}
