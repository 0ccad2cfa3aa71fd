using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>
/// The key under which near-duplicate queries collapse: queries that differ only by spacing, punctuation,
/// English singular and plural, or word order share it.
/// </summary>
/// <remarks>
/// Tokens are split on spaces and punctuation and at every boundary between letters, digits and hanzi
/// ("iphone15" is iphone, 15; a run of hanzi is one token). "+" and "#" after a letter or digit, "%" after a
/// digit and "." or "*" between digits stay in their token ("c++", "c#", "100%", "2.5", "6*8"). Latin tokens are singularized with simple English
/// rules (<see cref="Singular"/>). The key is the tokens sorted ordinally and joined with single spaces, so
/// "iphone15", "iphone 15" and "iphone-15" share "15 iphone", and "red dresses" and "dress red" share
/// "dress red". It is a grouping key, never shown.
/// </remarks>
public static class NearDuplicates
{
    private enum TokenClass
    {
        None,
        Letter,
        Digit,
        Hanzi,
    }

    /// <summary>The collapse key of a normalized query.</summary>
    public static string Key(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var tokens = new List<string>();
        var start = 0;
        var current = TokenClass.None;
        var index = 0;
        foreach (var rune in normalized.EnumerateRunes())
        {
            var cls = Classify(rune, normalized, index, current);
            if (cls != current)
            {
                if (current != TokenClass.None)
                {
                    tokens.Add(Token(normalized.AsSpan(start, index - start), current));
                }

                start = index;
                current = cls;
            }

            index += rune.Utf16SequenceLength;
        }

        if (current != TokenClass.None)
        {
            tokens.Add(Token(normalized.AsSpan(start, index - start), current));
        }

        if (tokens.Count == 1)
        {
            return tokens[0];
        }

        tokens.Sort(StringComparer.Ordinal);
        return string.Join(' ', tokens);
    }

    /// <summary>
    /// The singular of a lower-case English word by simple rules: "ies" to "y" (when more than 4 letters),
    /// "sses", "xes", "ches", "shes" drop "es", and a trailing "s" is dropped when the word has more than 3
    /// letters and does not end in "ss", "us" or "is". Anything else is returned as is.
    /// </summary>
    internal static string Singular(ReadOnlySpan<char> word)
    {
        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            return string.Concat(word[..^3], "y");
        }

        if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal))
        {
            return word[..^2].ToString();
        }

        if (word.Length > 3 && word[^1] == 's' && !word.EndsWith("ss", StringComparison.Ordinal)
            && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            return word[..^1].ToString();
        }

        return word.ToString();
    }

    private static string Token(ReadOnlySpan<char> text, TokenClass cls) =>
        cls == TokenClass.Letter && Ascii.IsValid(text) ? Singular(text) : text.ToString();

    private static TokenClass Classify(Rune rune, string text, int index, TokenClass current)
    {
        // Symbols that carry meaning inside a token stay in it: "c++", "c#", "100%", "2.5".
        switch (rune.Value)
        {
            case '+' or '#' when current is TokenClass.Letter or TokenClass.Digit:
            case '%' when current is TokenClass.Digit:
                return current;
            case '.' or '*' when current is TokenClass.Digit && index + 1 < text.Length && char.IsAsciiDigit(text[index + 1]):
                return TokenClass.Digit;
        }

        if (PinyinConverter.Default.IsHanzi(rune))
        {
            return TokenClass.Hanzi;
        }

        if (Rune.IsDigit(rune))
        {
            return TokenClass.Digit;
        }

        return Rune.IsLetter(rune) || Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark
            or System.Globalization.UnicodeCategory.SpacingCombiningMark
            ? TokenClass.Letter
            : TokenClass.None;
    }
}
