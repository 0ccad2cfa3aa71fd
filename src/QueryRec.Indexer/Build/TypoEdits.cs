namespace QueryRec.Indexer.Build;

/// <summary>
/// Which edits turn one word into a misspelling of another: the word-level rules of <see cref="Misspellings"/>.
/// </summary>
/// <remarks>
/// Latin words are ASCII letters only (digits are model numbers and sizes: never edited). The edit budget grows
/// with the length of the correct word, because a short word one letter away is as often another word as a typo
/// ("ipad", "ipod"), while a long word two letters away almost never is ("assassins", "assasin"):
/// <list type="bullet">
/// <item>1 letter: no edit;</item>
/// <item>2 to 4 letters: one letter inserted or deleted ("ops"/"opps", "ex"/"x"), two adjacent letters swapped
/// ("xbox"/"xbxo"), or one replaced by a neighbouring key on a QWERTY keyboard ("tv"/"tc", "nba"/"mba"): "ipad"/"ipod"
/// differ by letters far apart. Never a clothing size ("xl"/"xxl"). What is left of a short word after an edit is often a word of its own ("xbox"/"box"),
/// so <see cref="Misspellings"/> also requires that a short typo word appear in no query that stays;</item>
/// <item>5 letters: one edit;</item>
/// <item>6 and 7 letters: one edit, or two that keep the first letter and change the length ("arkham"/"arkum",
/// "console"/"consel"; not "calpol"/"calpak");</item>
/// <item>8 letters or more: two edits.</item>
/// </list>
/// An edit is an insertion, a deletion, a substitution or a swap of two adjacent letters (optimal string alignment).
/// </remarks>
internal static class TypoEdits
{
    /// <summary>Shortest correct word that may be edited at all.</summary>
    public const int MinWordLength = 2;

    /// <summary>Shortest correct word in which any edit counts (below it, insertions, deletions, swaps and neighbouring keys only).</summary>
    public const int AnyEditLength = 5;

    /// <summary>Shortest correct word that may take two edits that keep its first letter.</summary>
    public const int TwoEditsSameStartLength = 6;

    /// <summary>Shortest correct word that may take any two edits.</summary>
    public const int TwoEditsLength = 8;

    /// <summary>Longest word considered; longer ones are not words people mistype letter by letter.</summary>
    public const int MaxWordLength = 32;

    private static readonly string[] QwertyRows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

    /// <summary>Edits allowed in a correct word of this many letters.</summary>
    public static int Budget(int correctLength) => correctLength switch
    {
        < MinWordLength => 0,
        < TwoEditsSameStartLength => 1,
        _ => 2,
    };

    /// <summary>True when a token may be edited or be an edit: ASCII lower-case letters only, at most <see cref="MaxWordLength"/>.</summary>
    public static bool IsLatinWord(string token)
    {
        if (token.Length is < 1 or > MaxWordLength)
        {
            return false;
        }

        foreach (var c in token)
        {
            if (!char.IsAsciiLetterLower(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The number of edits from <paramref name="typo"/> to <paramref name="correct"/> when it is within the budget of
    /// the correct word's length (for words under 5 letters, any substitution is of neighbouring keys; two edits in
    /// words under 8 letters keep the first letter); else -1.
    /// </summary>
    public static int Distance(string typo, string correct)
    {
        var budget = Budget(correct.Length);
        if (budget == 0 || Math.Abs(typo.Length - correct.Length) > budget || typo == correct || IsSize(typo) || IsSize(correct))
        {
            return -1;
        }

        var distance = Osa(typo, correct, budget);
        // Two slips in a word under 8 letters: a letter dropped or added and one more, first letter kept ("arkham"/
        // "arkum"). Two letters replaced there make another word as often as a typo ("calpol"/"calpak").
        if (distance < 0 || (distance == 2 && correct.Length < TwoEditsLength && (typo[0] != correct[0] || typo.Length == correct.Length)))
        {
            return -1;
        }

        if (correct.Length < AnyEditLength && typo.Length == correct.Length && !SwapOrNeighbourKey(typo, correct))
        {
            return -1;
        }

        return distance;
    }

    /// <summary>Clothing sizes ("s", "xl", "xxl"): one letter apart, and never the same size.</summary>
    internal static bool IsSize(string word)
    {
        var x = 0;
        while (x < word.Length && word[x] == 'x')
        {
            x++;
        }

        return word.Length - x == 1 && word[x] is 's' or 'm' or 'l';
    }

    /// <summary>Optimal string alignment distance, or -1 when it exceeds <paramref name="max"/>.</summary>
    internal static int Osa(string a, string b, int max)
    {
        var n = a.Length;
        var m = b.Length;
        Span<int> previous2 = stackalloc int[m + 1];
        Span<int> previous = stackalloc int[m + 1];
        Span<int> current = stackalloc int[m + 1];
        for (var j = 0; j <= m; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= n; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= m; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var d = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d = Math.Min(d, previous2[j - 2] + 1);
                }

                current[j] = d;
                rowMin = Math.Min(rowMin, d);
            }

            if (rowMin > max)
            {
                return -1;
            }

            var spare = previous2;
            previous2 = previous;
            previous = current;
            current = spare;
        }

        return previous[m] <= max ? previous[m] : -1;
    }

    /// <summary>Same-length words that differ by one swap of adjacent letters or one letter replaced by a neighbouring key.</summary>
    private static bool SwapOrNeighbourKey(string typo, string correct)
    {
        var first = 0;
        while (first < typo.Length && typo[first] == correct[first])
        {
            first++;
        }

        if (typo.AsSpan(first + 1).SequenceEqual(correct.AsSpan(first + 1)))
        {
            return AreNeighbours(typo[first], correct[first]);
        }

        return first + 1 < typo.Length
            && typo[first] == correct[first + 1]
            && typo[first + 1] == correct[first]
            && typo.AsSpan(first + 2).SequenceEqual(correct.AsSpan(first + 2));
    }

    /// <summary>True when two letters are next to each other on a QWERTY keyboard (same row, or the row above or below).</summary>
    internal static bool AreNeighbours(char a, char b)
    {
        var (rowA, columnA) = KeyOf(a);
        var (rowB, columnB) = KeyOf(b);
        if (rowA < 0 || rowB < 0)
        {
            return false;
        }

        // Each row sits about half a key right of the one above: key c of a row touches keys c and c + 1 above it.
        return (rowA == rowB && Math.Abs(columnA - columnB) == 1)
            || (rowB == rowA + 1 && (columnB == columnA || columnB == columnA - 1))
            || (rowA == rowB + 1 && (columnA == columnB || columnA == columnB - 1));
    }

    private static (int Row, int Column) KeyOf(char c)
    {
        for (var row = 0; row < QwertyRows.Length; row++)
        {
            var column = QwertyRows[row].IndexOf(c, StringComparison.Ordinal);
            if (column >= 0)
            {
                return (row, column);
            }
        }

        return (-1, -1);
    }
}
