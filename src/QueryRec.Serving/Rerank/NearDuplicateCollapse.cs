using System.Collections.Concurrent;
using QueryRec.Core.Matching;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Collapses near-duplicate suggestions (<see cref="NearDuplicates.Key"/>: spacing, punctuation, singular and
/// plural, word order; and the version's spacing folds, <see cref="NearDuplicateKeys"/>) into one item. The item keeps the rank of its best-ranked form, shows the most popular
/// form (of a spacing fold, the spelling the build folded the others into: the most searched), unions the sources, and
/// counts the folded forms in <see cref="Candidate.CollapsedVariants"/>.
/// </summary>
internal static class NearDuplicateCollapse
{
    /// <summary>Most texts whose key is remembered; past that the memo starts over.</summary>
    internal const int MaxRememberedKeys = 1 << 16;

    // A key is a pure function of the text, and the same completions come back call after call (the head of the
    // vocabulary): remembered, so a call computes the keys of the texts it has not met lately (the key was a fifth
    // of an uncached Latin call's CPU).
    private static readonly ConcurrentDictionary<string, string> Remembered = new(StringComparer.Ordinal);
    private static int _remembered;

    /// <summary>Most candidates collapsed with the per-thread dictionary.</summary>
    internal const int MaxScratchCapacity = 1024;

    [ThreadStatic]
    private static Dictionary<string, int>? t_leaders;

    /// <summary>How many keys are remembered now (for tests).</summary>
    internal static int RememberedCount => Remembered.Count;

    /// <summary>
    /// The collapse key of a candidate text: its fold in <paramref name="keys"/> (a lookup in the version's frozen table,
    /// no allocation), else <see cref="NearDuplicates.Key"/>, remembered.
    /// </summary>
    internal static string KeyOf(string text, NearDuplicateKeys keys)
        => keys.TryGetFold(text, out var folded) ? folded : KeyOf(text);

    /// <summary>The collapse key of a candidate text (<see cref="NearDuplicates.Key"/>), remembered.</summary>
    internal static string KeyOf(string text)
    {
        if (Remembered.TryGetValue(text, out var key))
        {
            return key;
        }

        key = NearDuplicates.Key(text);
        if (Interlocked.Increment(ref _remembered) > MaxRememberedKeys)
        {
            Remembered.Clear(); // bounded: a key computed again is equal to the one dropped
            Volatile.Write(ref _remembered, 0);
        }

        Remembered.TryAdd(text, key);
        return key;
    }

    /// <summary>
    /// Collapses <paramref name="ordered"/> (best first) in place order by the keys of the version (<paramref name="keys"/>);
    /// returns the survivors, best first.
    /// </summary>
    public static List<Candidate> Apply(List<Candidate> ordered, NearDuplicateKeys keys)
    {
        if (ordered.Count < 2)
        {
            return ordered;
        }

        // The shown form of each leader (by its index in the result), recorded only once a first duplicate shows up:
        // until then no leader has been merged, so their own text and popularity are their shown form.
        // One dictionary per thread, emptied (the collapse never awaits): a new one per call was a twentieth of an
        // uncached call's allocations. A list far longer than usual gets its own.
        var leaders = ordered.Count > MaxScratchCapacity
            ? new Dictionary<string, int>(ordered.Count, StringComparer.Ordinal)
            : t_leaders ??= new Dictionary<string, int>(MaxScratchCapacity, StringComparer.Ordinal);
        leaders.Clear();
        var result = new List<Candidate>(ordered.Count);
        (string Text, double Popularity, bool Folded)[]? shown = null;
        foreach (var candidate in ordered)
        {
            var key = KeyOf(candidate.Text, keys);
            if (!leaders.TryGetValue(key, out var at))
            {
                leaders.Add(key, result.Count);
                if (shown is not null)
                {
                    shown[result.Count] = (candidate.DisplayText, candidate.Features.Popularity, keys.TryGetFold(candidate.Text, out _));
                }

                result.Add(candidate);
                continue;
            }

            if (shown is null)
            {
                shown = new (string, double, bool)[ordered.Count];
                for (var i = 0; i < result.Count; i++)
                {
                    shown[i] = (result[i].DisplayText, result[i].Features.Popularity, keys.TryGetFold(result[i].Text, out _));
                }
            }

            // The most popular surface form is shown; ties keep the better-ranked one. Of a spacing fold, the spelling folded
            // into (the most searched over the log) beats a folded one whatever a list's scores say (a q2q strength is no
            // popularity), so every product shows the same spelling.
            var folded = keys.TryGetFold(candidate.Text, out _);
            if (folded != shown[at].Folded ? !folded : candidate.Features.Popularity > shown[at].Popularity)
            {
                shown[at] = (candidate.DisplayText, candidate.Features.Popularity, folded);
            }

            var leader = result[at];
            leader.Merge(candidate);
            leader.CollapsedVariants += 1 + candidate.CollapsedVariants;
            leader.ContextFill &= candidate.ContextFill;
        }

        if (shown is not null)
        {
            for (var i = 0; i < result.Count; i++)
            {
                result[i].DisplayText = shown[i].Text;
            }
        }

        leaders.Clear();
        return result;
    }
}
