using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>A classified difference between a query and a candidate correction.</summary>
/// <param name="Kind">The kind, <see cref="QueryEditKind.None"/> when the candidate is not a correction.</param>
/// <param name="Distance">Edits (typo), hanzi read alike but written differently (homophone), spaces added or removed (spacing); 0 for pinyin.</param>
public readonly record struct QueryEdit(QueryEditKind Kind, int Distance);

/// <summary>
/// Decides whether one normalized query is a bounded edit of another and of which kind. Shared by the indexer (which
/// mines correction pairs from sessions), the server (which corrects online) and the evaluation (which labels cases).
/// </summary>
/// <remarks>
/// Bounds, so that a correction is always a small step: a typo is at most 1 edit (optimal string alignment: insert,
/// delete, replace, swap two neighbours) in a correction of 4–7 runes and 2 from 8 runes, none below 4; the digits
/// of both must be the same (model numbers and sizes are never corrected: "iphone 15" is not a typo of "iphone 16");
/// a homophone replaces at most <c>maxReadingDistance</c> hanzi, each by one sharing a reading.
/// </remarks>
public static class QueryEdits
{
    /// <summary>Shortest correction, in runes, that may differ from its query by a typo.</summary>
    public const int MinTypoLength = 4;

    /// <summary>Correction length, in runes, from which two typo edits are allowed.</summary>
    public const int TwoEditsLength = 8;

    /// <summary>Longest text classified, in UTF-16 code units (longer ones are never corrected).</summary>
    public const int MaxLength = 64;

    /// <summary>The typo edits allowed for a correction of <paramref name="runes"/> runes.</summary>
    public static int TypoBudget(int runes) => runes < MinTypoLength ? 0 : runes < TwoEditsLength ? 1 : 2;

    /// <summary>How <paramref name="correction"/> differs from <paramref name="query"/> (both normalized), or <see cref="QueryEditKind.None"/>.</summary>
    public static QueryEdit Classify(string query, string correction, int maxReadingDistance = 2)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(correction);
        if (query.Length == 0 || correction.Length == 0 || query.Length > MaxLength || correction.Length > MaxLength
            || string.Equals(query, correction, StringComparison.Ordinal))
        {
            return default;
        }

        if (Spacing(query, correction) is > 0 and var spaces)
        {
            return new QueryEdit(QueryEditKind.Spacing, spaces);
        }

        if (IsPinyinOf(query, correction))
        {
            return new QueryEdit(QueryEditKind.Pinyin, 0);
        }

        if (Homophones(query, correction) is > 0 and var hanzi && hanzi <= maxReadingDistance)
        {
            return new QueryEdit(QueryEditKind.Homophone, hanzi);
        }

        return Typo(query, correction) is > 0 and var edits ? new QueryEdit(QueryEditKind.Typo, edits) : default;
    }

    /// <summary>Spaces added or removed when the texts are equal without spaces; 0 otherwise.</summary>
    public static int Spacing(string query, string correction)
    {
        int i = 0, j = 0, spaces = 0;
        while (i < query.Length || j < correction.Length)
        {
            if (i < query.Length && query[i] == ' ')
            {
                i++;
                spaces++;
            }
            else if (j < correction.Length && correction[j] == ' ')
            {
                j++;
                spaces++;
            }
            else if (i < query.Length && j < correction.Length && query[i] == correction[j])
            {
                i++;
                j++;
            }
            else
            {
                return 0;
            }
        }

        return spaces;
    }

    /// <summary>True when <paramref name="query"/> is Latin input whose key is a full-pinyin reading of <paramref name="correction"/>, which holds hanzi.</summary>
    public static bool IsPinyinOf(string query, string correction)
    {
        if (!LatinKey.TryCreate(query, out var key) || !HasHanzi(correction))
        {
            return false;
        }

        foreach (var reading in PinyinConverter.Default.Keys(correction, 16))
        {
            if (string.Equals(reading.Full, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The hanzi that differ when both texts have the same runes except hanzi replaced by hanzi sharing a reading;
    /// 0 when they differ otherwise.
    /// </summary>
    public static int Homophones(string query, string correction)
    {
        var a = Runes(query);
        var b = Runes(correction);
        if (a.Length != b.Length)
        {
            return 0;
        }

        var differing = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
            {
                continue;
            }

            if (!ShareReading(new Rune(a[i]), new Rune(b[i])))
            {
                return 0;
            }

            differing++;
        }

        return differing;
    }

    /// <summary>
    /// The typo edits from <paramref name="query"/> to <paramref name="correction"/> within the budget and with the same
    /// digits; 0 otherwise. With as many words on both sides each word keeps its own budget (1 edit below 8 runes, 2
    /// from 8: "hitman" is not two letters from "batman"); a word more or less is never a typo ("elder scrolls v").
    /// </summary>
    public static int Typo(string query, string correction)
    {
        var b = Runes(correction);
        var budget = TypoBudget(b.Length);
        if (budget == 0 || !SameDigits(query, correction))
        {
            return 0;
        }

        var distance = Osa(Runes(query), b, budget);
        return distance <= budget && WordsAgree(query.Split(' '), correction.Split(' ')) ? distance : 0;
    }

    private static bool WordsAgree(string[] query, string[] correction)
    {
        if (query.Length != correction.Length)
        {
            return !Contains(query, correction) && !Contains(correction, query);
        }

        for (var i = 0; i < query.Length; i++)
        {
            if (!string.Equals(query[i], correction[i], StringComparison.Ordinal))
            {
                var word = Runes(correction[i]);
                var wordBudget = word.Length < TwoEditsLength ? 1 : 2;
                if (Osa(Runes(query[i]), word, wordBudget) > wordBudget)
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>True when every word of <paramref name="inner"/> is a word of <paramref name="outer"/> (as a multiset).</summary>
    private static bool Contains(string[] outer, string[] inner)
    {
        var words = outer.ToList();
        foreach (var word in inner)
        {
            if (!words.Remove(word))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when a text holds a rune with a pinyin reading.</summary>
    public static bool HasHanzi(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (PinyinConverter.Default.IsHanzi(rune))
            {
                return true;
            }
        }

        return false;
    }

    private static bool ShareReading(Rune a, Rune b)
    {
        var readings = PinyinConverter.Default.Readings(b);
        foreach (var reading in PinyinConverter.Default.Readings(a))
        {
            foreach (var other in readings)
            {
                if (string.Equals(reading, other, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when the two texts hold the same ASCII digits in the same order (model numbers, sizes).</summary>
    public static bool SameDigits(string a, string b)
    {
        int i = 0, j = 0;
        while (true)
        {
            while (i < a.Length && !char.IsAsciiDigit(a[i]))
            {
                i++;
            }

            while (j < b.Length && !char.IsAsciiDigit(b[j]))
            {
                j++;
            }

            if (i == a.Length || j == b.Length)
            {
                return i == a.Length && j == b.Length;
            }

            if (a[i++] != b[j++])
            {
                return false;
            }
        }
    }

    private static int[] Runes(string text)
    {
        var runes = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            runes.Add(rune.Value);
        }

        return [.. runes];
    }

    /// <summary>Optimal string alignment distance, or <paramref name="max"/> + 1 once it must exceed <paramref name="max"/>.</summary>
    private static int Osa(int[] a, int[] b, int max)
    {
        if (Math.Abs(a.Length - b.Length) > max)
        {
            return max + 1;
        }

        var previous2 = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    value = Math.Min(value, previous2[j - 2] + 1);
                }

                current[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (rowMin > max)
            {
                return max + 1;
            }

            (previous2, previous, current) = (previous, current, previous2);
        }

        return previous[b.Length];
    }
}
