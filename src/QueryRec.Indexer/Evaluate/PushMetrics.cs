using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;

namespace QueryRec.Indexer.Evaluate;

/// <summary>The figures of one push column (the push strategy or a baseline).</summary>
/// <param name="Name">The column.</param>
/// <param name="Cases">Subject-days asked.</param>
/// <param name="Hits1">Cases with a hit within the first pushed query.</param>
/// <param name="Hits3">Within the first 3.</param>
/// <param name="Hits5">Within the first 5.</param>
/// <param name="NonEmpty">Cases answered with at least one query.</param>
/// <param name="Fallback">Cases whose answer was flagged as the hot fallback (the push strategy only).</param>
/// <param name="NewHits5">Cases with a hit within the first 5 on a new-intent search (<see cref="PushCase.NewSearches"/>).</param>
internal sealed record PushColumn(string Name, long Cases, long Hits1, long Hits3, long Hits5, long NonEmpty, long Fallback, long NewHits5)
{
    public double NewHitRate5 => Cases == 0 ? 0 : (double)NewHits5 / Cases;

    public double HitRate1 => Cases == 0 ? 0 : (double)Hits1 / Cases;

    public double HitRate3 => Cases == 0 ? 0 : (double)Hits3 / Cases;

    public double HitRate5 => Cases == 0 ? 0 : (double)Hits5 / Cases;
}

/// <summary>
/// Counts one push column. A pushed query hits when the subject searches, within the horizon, that query, a
/// near-duplicate of it (<see cref="NearDuplicates.Key"/>: spacing, punctuation, plural, word order) or a refinement of
/// it (a longer search that starts with the pushed query or holds each of its words).
/// </summary>
internal sealed class PushMetrics(string name, Func<string, string>? key = null)
{
    private readonly Func<string, string> _key = key ?? NearDuplicates.Key;

    private long _cases, _hits1, _hits3, _hits5, _nonEmpty, _fallback, _newHits5;

    public string Name { get; } = name;

    /// <summary>Adds one case: what the subject searched in the horizon (all, and the new-intent ones) and what was pushed, best first.</summary>
    public void Add(IReadOnlyList<string> searched, IReadOnlyList<string> newSearches, IReadOnlyList<string> pushed, bool fallback = false)
    {
        ArgumentNullException.ThrowIfNull(searched);
        ArgumentNullException.ThrowIfNull(newSearches);
        ArgumentNullException.ThrowIfNull(pushed);
        _cases++;
        _nonEmpty += pushed.Count > 0 ? 1 : 0;
        _fallback += fallback ? 1 : 0;
        var first = FirstHit(searched, pushed, _key);
        _hits1 += first is >= 0 and < 1 ? 1 : 0;
        _hits3 += first is >= 0 and < 3 ? 1 : 0;
        _hits5 += first is >= 0 and < 5 ? 1 : 0;
        _newHits5 += FirstHit(newSearches, pushed, _key) is >= 0 and < 5 ? 1 : 0;
    }

    public PushColumn Result() => new(Name, _cases, _hits1, _hits3, _hits5, _nonEmpty, _fallback, _newHits5);

    /// <summary>
    /// Whether a search <paramref name="searched"/> (normalized) answers the pushed <paramref name="pushed"/>; near-duplicates
    /// by <paramref name="key"/> (the index's collapse key; the text-only one when not given).
    /// </summary>
    public static bool Matches(string searched, string pushed, Func<string, string>? key = null)
    {
        key ??= NearDuplicates.Key;
        ArgumentNullException.ThrowIfNull(searched);
        pushed = QueryNormalizer.Normalize(pushed);
        if (pushed.Length == 0)
        {
            return false;
        }

        if (searched == pushed || key(searched) == key(pushed))
        {
            return true;
        }

        // A longer search that starts with the pushed query refines it (also hanzi queries, which have no spaces).
        if (searched.Length > pushed.Length && searched.StartsWith(pushed, StringComparison.Ordinal))
        {
            return true;
        }

        var words = searched.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var wanted = pushed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > wanted.Length && wanted.All(w => words.Contains(w, StringComparer.Ordinal));
    }

    /// <summary>The rank of the first pushed query some search answers, or -1.</summary>
    private static int FirstHit(IReadOnlyList<string> searched, IReadOnlyList<string> pushed, Func<string, string> key)
    {
        for (var i = 0; i < pushed.Count; i++)
        {
            foreach (var s in searched)
            {
                if (Matches(s, pushed[i], key))
                {
                    return i;
                }
            }
        }

        return -1;
    }
}
