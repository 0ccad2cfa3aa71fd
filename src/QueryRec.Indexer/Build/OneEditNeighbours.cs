using System.Numerics;
using System.Runtime.InteropServices;
using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Pairs of queries one edit apart over the whole text (a character inserted, deleted, replaced, or two adjacent ones
/// swapped), with the same digits in the same order: the candidates of the wider misspelling rule, which
/// <see cref="SearchOutcomes"/> then has to confirm. Digits stay apart (model numbers, sizes: "iphone 15"/"iphone 16").
/// </summary>
/// <remarks>
/// Found the symmetric-delete way: each text is filed under itself and each of its one-character deletions, and two
/// texts one edit apart always share such a key. Keys are filed as 32-bit hashes in one sorted array (8 bytes a key,
/// no strings kept), and every candidate is verified, so a hash collision costs a comparison, never a wrong pair.
/// </remarks>
internal static class OneEditNeighbours
{
    /// <summary>Longest text considered, in UTF-16 code units.</summary>
    public const int MaxLength = 64;

    /// <summary>Most neighbours kept per text: a typo has few spellings it could be; the rest are dropped.</summary>
    public const int MaxPerText = 16;

    /// <summary>For each text, the indexes of the texts one edit from it that <paramref name="mayBeCorrect"/> admits.</summary>
    /// <param name="texts">The texts.</param>
    /// <param name="mayBeCorrect">Whether a text may be the correct spelling (read from several threads).</param>
    /// <param name="mayBeTypo">Whether a text may be a typo (read from several threads).</param>
    /// <param name="threads">Threads that look the texts up (the result does not depend on it).</param>
    public static List<int>?[] Find(IReadOnlyList<string> texts, Func<int, bool> mayBeCorrect, Func<int, bool> mayBeTypo, int threads = 1)
    {
        // At most a key per character and one more: sized once, so the list never holds twice its keys while it grows.
        long keys = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            keys += texts[i].Length <= MaxLength && mayBeCorrect(i) ? texts[i].Length + 1 : 0;
        }

        var filed = new List<long>((int)Math.Min(keys, Array.MaxLength));
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i].Length <= MaxLength && mayBeCorrect(i))
            {
                ForEachKey(texts[i], hash =>
                {
                    filed.Add(((long)hash << 32) | (uint)i);
                    return true;
                });
            }
        }

        CollectionsMarshal.AsSpan(filed).Sort(); // in place: at 10^7 texts the keys are ≈ 1.6 GB, and a copy as much again
        var filing = new Filing(filed);
        var result = new List<int>?[texts.Count];
        // Each text's look-up reads only the filed keys and the texts: any number run at once.
        OrderedParallel.Fill(result, threads, i => texts[i].Length > MaxLength || !mayBeTypo(i) ? null : Neighbours(texts, filing, i));
        return result;
    }

    /// <summary>The first <see cref="MaxPerText"/> texts one edit from text <paramref name="i"/>, in key order, or null.</summary>
    private static List<int>? Neighbours(IReadOnlyList<string> texts, Filing filing, int i)
    {
        var count = filing.Sorted.Length;
        var text = texts[i];
        List<int>? found = null;
        ForEachKey(text, hash =>
        {
            var at = filing.First(hash);
            for (; at < count && (int)(filing.Sorted[at] >> 32) == hash; at++)
            {
                var h = (int)(uint)filing.Sorted[at];
                if (h != i && (found is null || !found.Contains(h)) && IsOneEdit(text, texts[h]))
                {
                    (found ??= []).Add(h);
                    if (found.Count == MaxPerText)
                    {
                        return false; // full: no later candidate could be added (a common deletion can file thousands)
                    }
                }
            }

            return true;
        });
        return found;
    }

    /// <summary>True when the texts are exactly one edit apart and hold the same digits in the same order.</summary>
    internal static bool IsOneEdit(string a, string b)
        => a != b && TypoEdits.Osa(a, b, 1) == 1 && QueryEdits.SameDigits(a, b);

    /// <summary>
    /// Calls <paramref name="add"/> with the hash of the text and of each of its one-character deletions, until it
    /// returns false.
    /// </summary>
    private static void ForEachKey(string text, Func<int, bool> add)
    {
        if (!add(string.GetHashCode(text.AsSpan())))
        {
            return;
        }

        Span<char> buffer = stackalloc char[MaxLength];
        for (var d = 0; d < text.Length; d++)
        {
            if ((d > 0 && text[d - 1] == text[d]) || char.IsSurrogate(text[d]))
            {
                continue; // the same deletion as the one before; a half of a pair is no character
            }

            text.AsSpan(0, d).CopyTo(buffer);
            text.AsSpan(d + 1).CopyTo(buffer[d..]);
            if (!add(string.GetHashCode(buffer[..(text.Length - 1)])))
            {
                return;
            }
        }
    }

    /// <summary>
    /// The filed keys, sorted, with the start of each range of hashes that share their top bits: a look-up searches
    /// a few entries of one range instead of the whole array (every step of which would miss the cache).
    /// </summary>
    private sealed class Filing
    {
        private readonly int _shift;
        private readonly int[] _starts;

        private readonly List<long> _sorted;

        public Filing(List<long> sorted)
        {
            _sorted = sorted;
            var bits = Math.Clamp(BitOperations.Log2((uint)Math.Max(sorted.Count, 1)), 4, 22);
            _shift = 32 - bits;
            _starts = new int[(1 << bits) + 1];
            var at = 0;
            for (var range = 0; range < _starts.Length - 1; range++)
            {
                _starts[range] = at;
                while (at < sorted.Count && RangeOf((int)(sorted[at] >> 32)) == range)
                {
                    at++;
                }
            }

            _starts[^1] = sorted.Count;
        }

        /// <summary>Hash (high 32 bits) and text index (low 32), ascending.</summary>
        public ReadOnlySpan<long> Sorted => CollectionsMarshal.AsSpan(_sorted);

        /// <summary>The index of the first entry filed under <paramref name="hash"/>, or of the next one.</summary>
        public int First(int hash)
        {
            var range = RangeOf(hash);
            int lo = _starts[range], hi = _starts[range + 1];
            var value = (long)hash << 32;
            var sorted = Sorted;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (sorted[mid] < value)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        /// <summary>The range of a hash: its top bits, in the order of signed hashes.</summary>
        private int RangeOf(int hash) => (int)((uint)(hash ^ int.MinValue) >> _shift);
    }
}
