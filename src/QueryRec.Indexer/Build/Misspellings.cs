using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Finds queries of the log that are misspellings of a much more popular query ("assasins creed revelations" beside
/// "assassins creed revelations", "手标" beside "手表"), so that the build can keep them out of every completion table:
/// a search box that completes "assa" with three spellings of one product looks broken, and typo-tolerant recall
/// already finds the right spelling at serving time. A dropped query is in no table, so no recall path (prefix,
/// pinyin, infix, fuzzy, homophone) can show it.
/// </summary>
/// <remarks>
/// Queries are compared as near-duplicate groups (<see cref="NearDuplicates.Key"/>: the server shows a group as one
/// item anyway), so the correct form may be another spelling of the same words ("assassin creed revlations" is one
/// edit from the group of "assassins creed revelations"), and a group's popularity is the searches of all its forms.
/// A group <c>t</c> is a misspelling of a group <c>c</c> when:
/// <list type="bullet">
/// <item>they have the same words but one or two, and each differing word of <c>t</c> is a typo of the word of
/// <c>c</c> (<see cref="WordCorrections"/>: Latin within the <see cref="TypoEdits"/> budget, two edits at most over
/// the query; hanzi one character of the same reading). Digits are never edited, so model numbers and sizes stay
/// apart ("iphone 15"/"iphone 16", "55 inch"/"65 inch"), and so are words of fewer than 4 letters;</item>
/// <item>the correct word is at least <c>ratio</c> times as popular as the typo word over the whole log (a word
/// popular in its own right is not a typo);</item>
/// <item><c>c</c> was searched at least <c>ratio</c> times as often as <c>t</c>.</item>
/// </list>
/// Every form of a misspelt group maps to the most popular form of the most popular correct group, followed to a
/// group that is not itself a misspelling; that group stays, so a query never loses its only form.
/// </remarks>
internal static class Misspellings
{
    /// <summary>Longest query considered, in UTF-16 code units (longer ones are left alone).</summary>
    public const int MaxLength = 64;

    /// <summary>Most edits over a whole query.</summary>
    public const int MaxEdits = 2;

    /// <summary>
    /// Returns, for each query, the index of the query it misspells (the most popular form of the correct group), or -1.
    /// </summary>
    /// <param name="texts">Normalized query texts, distinct.</param>
    /// <param name="counts">Searches per query, aligned with <paramref name="texts"/>.</param>
    /// <param name="ratio">How many times more searches the correct group (and word) must have; at least 1.</param>
    public static int[] Find(IReadOnlyList<string> texts, IReadOnlyList<long> counts, double ratio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratio, 1.0);
        var result = new int[texts.Count];
        Array.Fill(result, -1);
        if (texts.Count == 0)
        {
            return result;
        }

        var groups = Groups.Of(texts, counts);
        var words = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var word in groups.Tokens[g].Distinct(StringComparer.Ordinal))
            {
                words[word] = words.GetValueOrDefault(word) + groups.Searches[g];
            }
        }

        var corrections = WordCorrections.Find(words, ratio);
        var target = new int[groups.Count];
        for (var g = 0; g < groups.Count; g++)
        {
            target[g] = corrections.Count == 0 ? -1 : Correct(groups, g, corrections, ratio);
        }

        for (var i = 0; i < texts.Count; i++)
        {
            var g = groups.GroupOf[i];
            if (g < 0 || target[g] < 0)
            {
                continue;
            }

            // Targets are strictly more popular, so the walk ends.
            var root = target[g];
            while (target[root] >= 0)
            {
                root = target[root];
            }

            result[i] = groups.Top[root];
        }

        return result;
    }

    /// <summary>The most popular group that group <paramref name="g"/> misspells, or -1.</summary>
    private static int Correct(Groups groups, int g, Dictionary<string, List<(string Word, int Edits)>> corrections, double ratio)
    {
        var tokens = groups.Tokens[g];
        var floor = ratio * Math.Max(groups.Searches[g], 1);
        var best = -1;
        void Consider(string[] replaced)
        {
            Array.Sort(replaced, StringComparer.Ordinal);
            if (groups.ByKey.TryGetValue(string.Join(' ', replaced), out var h) && h != g
                && groups.Searches[h] >= floor && groups.Searches[h] > groups.Searches[g]
                && (best < 0 || groups.Searches[h] > groups.Searches[best]))
            {
                best = h;
            }
        }

        for (var i = 0; i < tokens.Length; i++)
        {
            if (!corrections.TryGetValue(tokens[i], out var first))
            {
                continue;
            }

            foreach (var (word, edits) in first)
            {
                var replaced = (string[])tokens.Clone();
                replaced[i] = word;
                Consider(replaced);
                if (edits >= MaxEdits)
                {
                    continue;
                }

                for (var j = i + 1; j < tokens.Length; j++)
                {
                    if (!corrections.TryGetValue(tokens[j], out var second))
                    {
                        continue;
                    }

                    foreach (var (other, more) in second)
                    {
                        if (edits + more <= MaxEdits)
                        {
                            var both = (string[])tokens.Clone();
                            both[i] = word;
                            both[j] = other;
                            Consider(both);
                        }
                    }
                }
            }
        }

        return best;
    }

    /// <summary>The near-duplicate groups of a vocabulary: key, words, searches and most searched form of each.</summary>
    private sealed class Groups
    {
        public Dictionary<string, int> ByKey { get; } = new(StringComparer.Ordinal);

        public List<string[]> Tokens { get; } = [];

        public List<long> Searches { get; } = [];

        /// <summary>The index of the most searched text of each group (ties: the first in input order).</summary>
        public List<int> Top { get; } = [];

        /// <summary>The group of each text, or -1 when the text is left alone (too long).</summary>
        public int[] GroupOf { get; private init; } = [];

        public int Count => Tokens.Count;

        public static Groups Of(IReadOnlyList<string> texts, IReadOnlyList<long> counts)
        {
            var groups = new Groups { GroupOf = new int[texts.Count] };
            for (var i = 0; i < texts.Count; i++)
            {
                if (texts[i].Length > MaxLength)
                {
                    groups.GroupOf[i] = -1;
                    continue;
                }

                var key = NearDuplicates.Key(texts[i]);
                if (!groups.ByKey.TryGetValue(key, out var g))
                {
                    g = groups.Count;
                    groups.ByKey.Add(key, g);
                    groups.Tokens.Add(key.Split(' '));
                    groups.Searches.Add(0);
                    groups.Top.Add(i);
                }

                groups.Searches[g] += counts[i];
                if (counts[i] > counts[groups.Top[g]])
                {
                    groups.Top[g] = i;
                }

                groups.GroupOf[i] = g;
            }

            return groups;
        }
    }
}
