namespace QueryRec.Indexer.Build;

/// <summary>
/// Finds queries of the log that are misspellings of a much more popular query ("smartwatcy" beside "smartwatch"),
/// so that the build can keep them out of the completion tables: a search box that completes "sma" with three
/// spellings of one word looks broken, and typo-tolerant recall already finds the right spelling at serving time.
/// </summary>
/// <remarks>
/// A query <c>q</c> is a misspelling of <c>d</c> when:
/// <list type="bullet">
/// <item>they are one edit apart (insert, delete or substitute one character, or swap two adjacent ones);</item>
/// <item>the edited characters are ASCII letters, inside a word of at least <see cref="MinWordLength"/> letters, and
/// the edit neither adds nor removes a word. Hanzi are never edited: one more hanzi is another product
/// ("手机" and "手机壳"), and short words differ by one letter on purpose ("ipad", "ipod");</item>
/// <item><c>d</c> was searched at least <c>ratio</c> times as often as <c>q</c>.</item>
/// </list>
/// Candidates are found the symmetric-delete way: every popular query is indexed under itself and its one-letter
/// deletions, and each query probes that map with itself and its own deletions; each hit is verified exactly.
/// Memory is bounded by the popular queries only (those searched at least <c>ratio</c> times the least count).
/// </remarks>
internal static class Misspellings
{
    /// <summary>Shortest word (in letters, counted in the popular spelling) in which an edit may be a misspelling.</summary>
    public const int MinWordLength = 5;

    /// <summary>Longest query considered, in UTF-16 code units (longer ones are left alone).</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Returns, for each query, the index of the popular query it misspells, or -1.
    /// </summary>
    /// <param name="texts">Normalized query texts, distinct.</param>
    /// <param name="counts">Searches per query, aligned with <paramref name="texts"/>.</param>
    /// <param name="ratio">How many times more searches the correct spelling must have; at least 1.</param>
    public static int[] Find(IReadOnlyList<string> texts, IReadOnlyList<long> counts, double ratio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratio, 1.0);
        var result = new int[texts.Count];
        Array.Fill(result, -1);
        if (texts.Count == 0)
        {
            return result;
        }

        var least = long.MaxValue;
        foreach (var count in counts)
        {
            least = Math.Min(least, Math.Max(count, 1));
        }

        // The popular side: every query that could dominate another one, under itself and its letter deletions.
        var map = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            if (counts[i] >= ratio * least && Eligible(texts[i]))
            {
                foreach (var key in SelfAndDeletions(texts[i]))
                {
                    if (!map.TryGetValue(key, out var ids))
                    {
                        map[key] = ids = new List<int>(1);
                    }

                    if (ids.Count == 0 || ids[^1] != i)
                    {
                        ids.Add(i);
                    }
                }
            }
        }

        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i];
            if (!Eligible(text))
            {
                continue;
            }

            var best = -1;
            foreach (var probe in SelfAndDeletions(text))
            {
                if (!map.TryGetValue(probe, out var ids))
                {
                    continue;
                }

                foreach (var d in ids)
                {
                    if (d != i && counts[d] >= ratio * Math.Max(counts[i], 1) && (best < 0 || counts[d] > counts[best])
                        && IsMisspellingOf(text, texts[d]))
                    {
                        best = d;
                    }
                }
            }

            result[i] = best;
        }

        return result;
    }

    /// <summary>
    /// True when <paramref name="typo"/> is one edit away from <paramref name="correct"/> under the rules of this
    /// class (ASCII letters inside a word of at least <see cref="MinWordLength"/> letters, same number of words).
    /// </summary>
    public static bool IsMisspellingOf(string typo, string correct)
    {
        if (string.Equals(typo, correct, StringComparison.Ordinal) || Math.Abs(typo.Length - correct.Length) > 1)
        {
            return false;
        }

        // Strip the common head and tail; what is left is the edit.
        var head = 0;
        var shorter = Math.Min(typo.Length, correct.Length);
        while (head < shorter && typo[head] == correct[head])
        {
            head++;
        }

        var tail = 0;
        while (tail < shorter - head && typo[typo.Length - 1 - tail] == correct[correct.Length - 1 - tail])
        {
            tail++;
        }

        var a = typo.AsSpan(head, typo.Length - head - tail);
        var b = correct.AsSpan(head, correct.Length - head - tail);
        var oneEdit = (a.Length, b.Length) switch
        {
            (0, 1) or (1, 0) or (1, 1) => true,
            (2, 2) => a[0] == b[1] && a[1] == b[0], // adjacent swap
            _ => false,
        };
        if (!oneEdit || !AllLetters(a) || !AllLetters(b))
        {
            return false;
        }

        // The word of the correct spelling that holds the edit must be long enough, and both sides must be inside
        // a word: an inserted or deleted letter next to a space would split or join words.
        var start = head;
        while (start > 0 && IsLetter(correct[start - 1]))
        {
            start--;
        }

        var end = head + b.Length;
        while (end < correct.Length && IsLetter(correct[end]))
        {
            end++;
        }

        return end - start >= MinWordLength;
    }

    private static bool Eligible(string text)
    {
        if (text.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text itself, then the text without each of its ASCII letters (one at a time).</summary>
    private static IEnumerable<string> SelfAndDeletions(string text)
    {
        yield return text;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsLetter(text[i]) && (i == 0 || text[i - 1] != text[i]))
            {
                yield return string.Concat(text.AsSpan(0, i), text.AsSpan(i + 1));
            }
        }
    }

    private static bool AllLetters(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!IsLetter(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLetter(char c) => char.IsAsciiLetter(c);
}
