using System.Globalization;
using System.Text;

namespace QueryRec.Indexer.Evaluate;

/// <summary>The reference pinyin of one query: one toneless syllable per character, null where a character has none.</summary>
internal sealed record ReferencePinyin(string Text, string?[] Syllables)
{
    /// <summary>Joined full pinyin; characters without pinyin stand for themselves, spaces are dropped.</summary>
    public string Full(int from = 0)
    {
        var builder = new StringBuilder();
        for (var i = from; i < Syllables.Length; i++)
        {
            if (Syllables[i] is { } s)
            {
                builder.Append(s);
            }
            else if (Text[i] != ' ')
            {
                builder.Append(Text[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// What a user types for the first <paramref name="count"/> characters: each syllable, other characters as they
    /// are, spaces kept ("螺丝 m6-20" → "luosi m6-20").
    /// </summary>
    public string Typed(int count) => Typed(0, count);

    /// <summary>What a user types for the characters from <paramref name="from"/> up to <paramref name="end"/>, as <see cref="Typed(int)"/>.</summary>
    public string Typed(int from, int end)
    {
        var builder = new StringBuilder();
        for (var i = from; i < end && i < Syllables.Length; i++)
        {
            builder.Append(Syllables[i] ?? Text[i].ToString());
        }

        return builder.ToString();
    }

    /// <summary>Initials: the first letter of each syllable; other characters stand for themselves, spaces dropped.</summary>
    public string Initials()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < Syllables.Length; i++)
        {
            if (Syllables[i] is { } s)
            {
                builder.Append(s[0]);
            }
            else if (Text[i] != ' ')
            {
                builder.Append(Text[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>How many characters at the start have pinyin.</summary>
    public int LeadingHanzi()
    {
        var n = 0;
        while (n < Syllables.Length && Syllables[n] is not null)
        {
            n++;
        }

        return n;
    }

    /// <summary>
    /// Parses "text&lt;TAB&gt;tok tok ..." (tools/eval/pinyin-reference.mjs), "_" for no pinyin; null when the
    /// token count does not match the text's characters (a surrogate pair, which the evaluation skips).
    /// </summary>
    public static ReferencePinyin? Parse(string line, int lineNumber)
    {
        var tab = line.IndexOf('\t', StringComparison.Ordinal);
        if (tab <= 0)
        {
            throw new FormatException($"line {lineNumber.ToString(CultureInfo.InvariantCulture)}: expected text<TAB>syllables.");
        }

        var text = line[..tab];
        var tokens = line[(tab + 1)..].Split(' ');
        return tokens.Length != text.Length ? null : new ReferencePinyin(text, tokens.Select(static t => t == "_" ? null : t).ToArray());
    }
}
