using System.Text;
using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Build;

/// <summary>
/// For each word of the vocabulary, the much more popular words it may be a misspelling of: Latin words within the
/// edit budget of <see cref="TypoEdits"/>, runs of hanzi that differ by one character of the same reading
/// (手标/手表, 连衣群/连衣裙). A hanzi dropped or added is never a typo here: the shorter run is too often a product of
/// its own (消毒柜/消毒碗柜, 手机/手机壳).
/// </summary>
/// <remarks>
/// A word's count is the searches of all the queries that hold it. A correction must be at least <c>ratio</c> times
/// as popular <em>as a word</em>, so a word that is popular in its own right elsewhere in the log ("ipod" in "ipod
/// touch", "ipod nano") is never taken for a typo of another, whatever a single query's counts say. Candidates are
/// found the symmetric-delete way (Latin: every popular word under itself and its deletions up to its budget; hanzi:
/// every popular run under each of its characters replaced by each of that character's readings), each verified, so
/// the cost is linear in the number of distinct words.
/// </remarks>
internal static class WordCorrections
{
    /// <summary>Corrections kept per word, most popular first (a typo has rarely more than one plausible correction).</summary>
    public const int MaxPerWord = 4;

    /// <summary>Returns the corrections of each word that has one: (correct word, edits), most popular first.</summary>
    /// <param name="wordCounts">Searches per word (a word: a token of <see cref="NearDuplicates.Key"/>).</param>
    /// <param name="ratio">How many times more searches the correct word must have; at least 1.</param>
    public static Dictionary<string, List<(string Word, int Edits)>> Find(IReadOnlyDictionary<string, long> wordCounts, double ratio)
    {
        var least = long.MaxValue;
        foreach (var count in wordCounts.Values)
        {
            least = Math.Min(least, Math.Max(count, 1));
        }

        var latin = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var hanzi = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (word, count) in wordCounts)
        {
            if (count < ratio * least)
            {
                continue; // cannot be ratio times more popular than any word
            }

            if (TypoEdits.IsLatinWord(word))
            {
                foreach (var key in Deletions(word, TypoEdits.Budget(word.Length)))
                {
                    Add(latin, key, word);
                }
            }
            else if (HanziRun(word))
            {
                foreach (var key in ReadingKeys(word))
                {
                    Add(hanzi, key, word);
                }
            }
        }

        var result = new Dictionary<string, List<(string, int)>>(StringComparer.Ordinal);
        foreach (var (word, count) in wordCounts)
        {
            var floor = ratio * Math.Max(count, 1);
            List<(string Word, int Edits)>? found = null;
            if (TypoEdits.IsLatinWord(word) && latin.Count > 0)
            {
                foreach (var probe in Deletions(word, word.Length >= TypoEdits.TwoEditsSameStartLength - 2 ? 2 : 1))
                {
                    if (latin.TryGetValue(probe, out var candidates))
                    {
                        foreach (var correct in candidates)
                        {
                            if (wordCounts[correct] >= floor && wordCounts[correct] > count && (found is null || !found.Exists(f => f.Word == correct))
                                && TypoEdits.Distance(word, correct) is > 0 and var edits)
                            {
                                (found ??= []).Add((correct, edits));
                            }
                        }
                    }
                }
            }
            else if (HanziRun(word) && hanzi.Count > 0)
            {
                foreach (var probe in ReadingKeys(word))
                {
                    if (hanzi.TryGetValue(probe, out var candidates))
                    {
                        foreach (var correct in candidates)
                        {
                            if (correct != word && wordCounts[correct] >= floor && wordCounts[correct] > count && (found is null || !found.Exists(f => f.Word == correct))
                                && SoundAlike(word, correct))
                            {
                                (found ??= []).Add((correct, 1));
                            }
                        }
                    }
                }
            }

            if (found is not null)
            {
                found.Sort((a, b) => wordCounts[b.Word].CompareTo(wordCounts[a.Word]) is var c && c != 0 ? c : string.CompareOrdinal(a.Word, b.Word));
                if (found.Count > MaxPerWord)
                {
                    found.RemoveRange(MaxPerWord, found.Count - MaxPerWord);
                }

                result[word] = found;
            }
        }

        return result;
    }

    /// <summary>
    /// True for a run of at least two hanzi: a single hanzi is a word of its own (梨/李), never a typo of another.
    /// </summary>
    internal static bool HanziRun(string token)
    {
        var runes = 0;
        foreach (var rune in token.EnumerateRunes())
        {
            if (!PinyinConverter.Default.IsHanzi(rune))
            {
                return false;
            }

            runes++;
        }

        return runes >= 2;
    }

    /// <summary>
    /// The run with each character in turn replaced by each of its readings ("手表" → "\u0001shou\u0001表", "手\u0001biao\u0001"):
    /// two runs share a key exactly when they differ by at most one character and the two characters share a reading.
    /// Every reading, not only the first: 扫第机器人 is typed for 扫地机器人, and 地 reads de before di.
    /// </summary>
    private static IEnumerable<string> ReadingKeys(string run)
    {
        var at = 0;
        foreach (var rune in run.EnumerateRunes())
        {
            var readings = PinyinConverter.Default.Readings(rune);
            var width = rune.Utf16SequenceLength;
            foreach (var reading in readings)
            {
                var key = new StringBuilder(run.Length + 8)
                    .Append(run, 0, at).Append('\u0001').Append(reading).Append('\u0001').Append(run, at + width, run.Length - at - width);
                yield return key.ToString();
            }

            at += width;
        }
    }

    /// <summary>
    /// True when the one character in which two runs of the same length differ is read alike: a reading they share is
    /// the first reading of one of them (第 di and 地 de/di). Rare readings alone do not count: 月 and 肉 share only
    /// "ru", and 月饼 is no typo of 肉饼.
    /// </summary>
    internal static bool SoundAlike(string typo, string correct)
    {
        using var a = typo.EnumerateRunes().GetEnumerator();
        using var b = correct.EnumerateRunes().GetEnumerator();
        while (a.MoveNext() && b.MoveNext())
        {
            if (a.Current != b.Current)
            {
                var x = PinyinConverter.Default.Readings(a.Current);
                var y = PinyinConverter.Default.Readings(b.Current);
                return x.Count > 0 && y.Count > 0 && (y.Contains(x[0]) || x.Contains(y[0]));
            }
        }

        return false;
    }

    /// <summary>The word and every string made by deleting up to <paramref name="depth"/> of its letters, deduplicated.</summary>
    private static HashSet<string> Deletions(string word, int depth)
    {
        var result = new HashSet<string>(StringComparer.Ordinal) { word };
        var frontier = new List<string> { word };
        for (var d = 0; d < depth; d++)
        {
            var next = new List<string>();
            foreach (var w in frontier)
            {
                for (var i = 0; i < w.Length; i++)
                {
                    if (i > 0 && w[i - 1] == w[i])
                    {
                        continue; // deleting either of two equal letters gives the same string
                    }

                    var shorter = string.Concat(w.AsSpan(0, i), w.AsSpan(i + 1));
                    if (result.Add(shorter))
                    {
                        next.Add(shorter);
                    }
                }
            }

            frontier = next;
        }

        return result;
    }

    private static void Add(Dictionary<string, List<string>> map, string key, string word)
    {
        if (!map.TryGetValue(key, out var words))
        {
            map[key] = words = new List<string>(1);
        }

        if (words.Count == 0 || words[^1] != word)
        {
            words.Add(word);
        }
    }
}
