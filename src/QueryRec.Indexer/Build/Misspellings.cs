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
/// A group <c>t</c> is a misspelling of a group <c>c</c> searched at least <c>ratio</c> times as often when:
/// <list type="bullet">
/// <item><b>by its words:</b> they have the same words but one or two, and each differing word of <c>t</c> is a typo
/// of the word of <c>c</c> (<see cref="WordCorrections"/>: Latin within the <see cref="TypoEdits"/> budget, two edits
/// at most over the query; hanzi one character of the same reading). Digits are never edited, so model numbers and
/// sizes stay apart ("iphone 15"/"iphone 16", "55 inch"/"65 inch"). The correct word must be <c>ratio</c> times as
/// popular as the typo word over the whole log (a word popular in its own right is not a typo), and no edited short
/// word of <c>t</c> (<see cref="SurfaceWords.IsShort"/>) may be used in queries that stay ("fear 3" is kept beside
/// "gears 3", fewer than ratio times rarer, so "fear" is a word people mean). Where either guard holds for a Latin
/// word, <c>c</c> must be searched ratio² times as often: "deus x" beside "deus ex", though "x-men" stays;</item>
/// <item><b>by its spacing:</b> the same letters and digits with spaces or punctuation moved ("blackops", "x-box");</item>
/// <item><b>by what its searches did:</b> one edit of the whole text (<see cref="OneEditNeighbours"/>: a hanzi dropped
/// or replaced by any other, any letter) where <see cref="SearchOutcomes"/> shows that its searches failed.</item>
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

    /// <summary>Most passes that settle which words are established (each pass can only keep more queries).</summary>
    private const int MaxRounds = 4;

    /// <summary>
    /// Returns, for each query, the index of the query it misspells (the most popular form of the correct group), or -1.
    /// </summary>
    /// <param name="texts">Normalized query texts, distinct.</param>
    /// <param name="counts">Searches per query, aligned with <paramref name="texts"/>.</param>
    /// <param name="ratio">How many times more searches the correct group (and word) must have; at least 1.</param>
    /// <param name="outcomes">What followed each query's searches, for the wider rule; null: text alone decides.</param>
    /// <param name="threads">Threads for the per-query steps (the result does not depend on it).</param>
    public static int[] Find(IReadOnlyList<string> texts, IReadOnlyList<long> counts, double ratio, SearchOutcomes? outcomes = null, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratio, 1.0);
        var result = new int[texts.Count];
        Array.Fill(result, -1);
        if (texts.Count == 0)
        {
            return result;
        }

        var groups = Groups.Of(texts, counts, threads);
        var words = new Dictionary<string, long>(StringComparer.Ordinal);
        var wordsOf = new (int Start, int Length)[texts.Count][]; // exact arrays: one per query lives through hygiene
        OrderedParallel.Fill(wordsOf, threads, i => groups.GroupOf[i] < 0 ? [] : [.. SurfaceWords.Of(texts[i])]);
        for (var i = 0; i < texts.Count; i++)
        {
            foreach (var word in wordsOf[i].Select(w => texts[i].Substring(w.Start, w.Length)).Distinct(StringComparer.Ordinal))
            {
                words[word] = words.GetValueOrDefault(word) + counts[i];
            }
        }

        // Every more popular spelling: a Latin word too popular, or established, to be a typo by itself may still be
        // one where the correct query is ratio² times as searched ("deus x" beside "deus ex", though "x-men" stays).
        var corrections = WordCorrections.Find(words, 1);
        var wider = WiderTargets(texts, groups, ratio, outcomes, threads);
        var target = new int[groups.Count];
        Array.Fill(target, -1);
        var established = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < MaxRounds; round++)
        {
            // A short word used in queries that stay is a word people mean ("fear": "fear 3" is kept beside
            // the 5 times more searched "gears 3"), so it is no typo in any other query either ("fear" beside "gears").
            // Short words only: there one edit often leads to another real word; long ones rarely collide, and a typo
            // of a long word is often kept beside a correct form only a few times more searched ("hardend").
            // Keeping a query can only establish more words, so this settles.
            var previous = (int[])target.Clone();
            Array.Fill(target, -1);
            var vocabulary = new Vocabulary(words, corrections, established);
            // Each query's correction reads only the vocabulary and the groups; the targets are merged in query order.
            OrderedParallel.ForEach(
                texts.Count,
                threads,
                static () => 0,
                (i, _) => groups.GroupOf[i] is >= 0 and var g && (round == 0 || previous[g] >= 0) ? Correct(groups, texts[i], wordsOf[i], g, vocabulary, ratio) : -1,
                (i, h) =>
                {
                    if (groups.GroupOf[i] is not (>= 0 and var g))
                    {
                        return;
                    }

                    h = groups.MorePopular(h, wider[g]);
                    if (h >= 0 && (target[g] < 0 || groups.Searches[h] > groups.Searches[target[g]]))
                    {
                        target[g] = h;
                    }
                });

            if (round > 0 && target.AsSpan().SequenceEqual(previous))
            {
                break;
            }

            var kept = new Dictionary<string, long>(StringComparer.Ordinal);
            for (var i = 0; i < texts.Count; i++)
            {
                if (groups.GroupOf[i] is >= 0 and var g && target[g] < 0)
                {
                    foreach (var (start, length) in wordsOf[i])
                    {
                        var word = texts[i].Substring(start, length);
                        if (corrections.ContainsKey(word) && SurfaceWords.IsShort(word))
                        {
                            kept[word] = kept.GetValueOrDefault(word) + counts[i];
                        }
                    }
                }
            }

            foreach (var (word, searches) in kept)
            {
                // Any search that stays establishes a short Latin word: what an edit leaves of a word under 5
                // letters is as often a word of its own ("xbox"/"box", "tv"/"tb"); two hanzi, most of their
                // searches. A single letter is a letter ("f e a r", "l a noire"): its popularity as a word decides.
                if (word.Length == 1 || searches == 0)
                {
                    continue;
                }

                if (char.IsAsciiLetter(word[0]) || 2 * searches >= words[word])
                {
                    established.Add(word);
                }
            }
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

    /// <summary>
    /// The most popular group that <paramref name="text"/> (of group <paramref name="g"/>) misspells: its words replaced
    /// by their corrections, one word or two, and the result looked up by its near-duplicate key; or -1.
    /// </summary>
    private static int Correct(Groups groups, string text, (int Start, int Length)[] words, int g, Vocabulary vocabulary, double ratio)
    {
        var best = -1;
        List<(string Word, int Edits, bool Weak)>? CorrectionsOf(int w)
        {
            var word = text.Substring(words[w].Start, words[w].Length);
            if (!vocabulary.Corrections.TryGetValue(word, out var list))
            {
                return null;
            }

            var established = vocabulary.Established.Contains(word);
            var latin = char.IsAsciiLetter(word[0]);
            List<(string, int, bool)>? usable = null;
            foreach (var (correct, edits) in list)
            {
                var weak = established || vocabulary.Words[correct] < ratio * vocabulary.Words[word];
                if (!weak || latin)
                {
                    (usable ??= []).Add((correct, edits, weak));
                }
            }

            return usable;
        }

        void Consider(string replaced, bool weak)
        {
            var floor = (weak ? ratio * ratio : ratio) * Math.Max(groups.Searches[g], 1);
            if (groups.ByKey.TryGetValue(NearDuplicates.Key(replaced), out var h) && h != g
                && groups.Searches[h] >= floor && groups.Searches[h] > groups.Searches[g]
                && (best < 0 || groups.Searches[h] > groups.Searches[best]))
            {
                best = h;
            }
        }

        for (var i = 0; i < words.Length; i++)
        {
            if (CorrectionsOf(i) is not { } first)
            {
                continue;
            }

            foreach (var (word, edits, weak) in first)
            {
                Consider(Replace(text, words[i], word), weak);
                for (var j = i + 1; j < words.Length && edits < MaxEdits; j++)
                {
                    foreach (var (other, more, weaker) in CorrectionsOf(j) ?? [])
                    {
                        if (edits + more <= MaxEdits)
                        {
                            // j is after i: replace it first so that i's position still holds.
                            Consider(Replace(Replace(text, words[j], other), words[i], word), weak || weaker);
                        }
                    }
                }
            }
        }

        return best;
    }

    /// <summary>
    /// For each group, the most popular group it misspells by what its words alone cannot show: the same text with
    /// spaces moved ("blackops"/"black ops"), or one edit anywhere in it (a hanzi dropped or replaced by any other, a
    /// letter of a short word) that <paramref name="outcomes"/> confirms as a failed search; or -1.
    /// </summary>
    private static int[] WiderTargets(IReadOnlyList<string> texts, Groups groups, double ratio, SearchOutcomes? outcomes, int threads)
    {
        var wider = new int[groups.Count];
        Array.Fill(wider, -1);
        bool Dominates(int gh, int g) => gh != g && groups.Searches[gh] >= ratio * Math.Max(groups.Searches[g], 1) && groups.Searches[gh] > groups.Searches[g];

        var bySpaceless = new Dictionary<string, int>(StringComparer.Ordinal);
        var spaceless = new string?[texts.Count];
        OrderedParallel.Fill(spaceless, threads, i => groups.GroupOf[i] >= 0 ? NearDuplicateKeys.Spaceless(texts[i]) : null);
        for (var i = 0; i < texts.Count; i++)
        {
            if (groups.GroupOf[i] >= 0)
            {
                ref var best = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(bySpaceless, spaceless[i]!, out var exists);
                best = exists ? groups.MorePopular(best, groups.GroupOf[i]) : groups.GroupOf[i];
            }
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (spaceless[i] is { } key && bySpaceless[key] is var gh && Dominates(gh, groups.GroupOf[i]))
            {
                wider[groups.GroupOf[i]] = groups.MorePopular(wider[groups.GroupOf[i]], gh);
            }
        }

        if (outcomes is null)
        {
            return wider;
        }

        var least = groups.Searches.Count > 0 ? Math.Max(groups.Searches.Min(), 1) : 1;
        var neighbours = OneEditNeighbours.Find(
            texts, h => groups.GroupOf[h] >= 0 && groups.Searches[groups.GroupOf[h]] >= ratio * least, i => groups.GroupOf[i] >= 0, threads);
        for (var i = 0; i < texts.Count; i++)
        {
            foreach (var h in neighbours[i] ?? [])
            {
                var (g, gh) = (groups.GroupOf[i], groups.GroupOf[h]);
                if (Dominates(gh, g) && outcomes.Failed(i, h, ratio))
                {
                    wider[g] = groups.MorePopular(wider[g], gh);
                }
            }
        }

        return wider;
    }

    private static string Replace(string text, (int Start, int Length) word, string with)
        => string.Concat(text.AsSpan(0, word.Start), with, text.AsSpan(word.Start + word.Length));

    /// <summary>The words of the log: searches per word, their more popular spellings, and the established ones.</summary>
    private readonly record struct Vocabulary(
        Dictionary<string, long> Words, Dictionary<string, List<(string Word, int Edits)>> Corrections, HashSet<string> Established);

    /// <summary>The near-duplicate groups of a vocabulary: key, searches and most searched form of each.</summary>
    private sealed class Groups
    {
        public Dictionary<string, int> ByKey { get; } = new(StringComparer.Ordinal);

        public List<long> Searches { get; } = [];

        /// <summary>The index of the most searched text of each group (ties: the first in input order).</summary>
        public List<int> Top { get; } = [];

        /// <summary>The group of each text, or -1 when the text is left alone (too long).</summary>
        public int[] GroupOf { get; private init; } = [];

        public int Count => Searches.Count;

        /// <summary>Of two groups (-1: none), the one searched more.</summary>
        public int MorePopular(int a, int b) => a < 0 || (b >= 0 && Searches[b] > Searches[a]) ? b : a;

        public static Groups Of(IReadOnlyList<string> texts, IReadOnlyList<long> counts, int threads)
        {
            var groups = new Groups { GroupOf = new int[texts.Count] };
            // The keys are made on several threads, a block at a time; the groups are numbered in text order.
            OrderedParallel.ForEach(texts.Count, threads, static () => 0, (i, _) => texts[i].Length > MaxLength ? null : NearDuplicates.Key(texts[i]), (i, key) => groups.Add(counts, i, key));
            return groups;
        }

        /// <summary>Files text <paramref name="i"/> under its near-duplicate key (null: left alone).</summary>
        private void Add(IReadOnlyList<long> counts, int i, string? key)
        {
            if (key is null)
            {
                GroupOf[i] = -1;
                return;
            }

            if (!ByKey.TryGetValue(key, out var g))
            {
                g = Count;
                ByKey.Add(key, g);
                Searches.Add(0);
                Top.Add(i);
            }

            Searches[g] += counts[i];
            if (counts[i] > counts[Top[g]])
            {
                Top[g] = i;
            }

            GroupOf[i] = g;
        }
    }
}
