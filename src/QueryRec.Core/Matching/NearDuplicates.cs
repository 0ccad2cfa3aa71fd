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

    /// <summary>Texts longer than this (in UTF-16 units) take the list-based path.</summary>
    private const int StackChars = 256;

    /// <summary>Texts with more tokens than this take the list-based path.</summary>
    private const int StackTokens = 16;

    /// <summary>The collapse key of a normalized query.</summary>
    /// <remarks>
    /// Allocation-lean: tokens are found as ranges of the text, singularized and sorted in stack buffers; the text
    /// itself is returned when it already is its key (one token, or tokens already sorted and single-spaced), so only
    /// a text that differs from its key allocates, once. Very long texts take the list-based path (same key).
    /// </remarks>
    public static string Key(string normalized)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        if (normalized.Length > StackChars)
        {
            return KeyOfList(normalized);
        }

        // Each token as (start, kept length, 'y' appended) of its singular form.
        Span<int> starts = stackalloc int[StackTokens];
        Span<int> kept = stackalloc int[StackTokens];
        Span<bool> withY = stackalloc bool[StackTokens];
        var count = 0;
        var tokens = new TokenWalk(normalized);
        while (tokens.Next(out var start, out var end, out var cls))
        {
            if (!AddToken(normalized, start, end, cls, starts, kept, withY, ref count))
            {
                return KeyOfList(normalized);
            }
        }

        // The forms side by side in one buffer (a form is never longer than its token plus one), then sorted.
        Span<char> forms = stackalloc char[normalized.Length + count];
        Span<int> offsets = stackalloc int[StackTokens];
        Span<int> lengths = stackalloc int[StackTokens];
        var used = 0;
        for (var i = 0; i < count; i++)
        {
            normalized.AsSpan(starts[i], kept[i]).CopyTo(forms[used..]);
            offsets[i] = used;
            used += kept[i];
            if (withY[i])
            {
                forms[used++] = 'y';
            }

            lengths[i] = used - offsets[i];
        }

        // Insertion sort of the token order by ordinal comparison of the forms (equal forms are interchangeable).
        Span<int> order = stackalloc int[StackTokens];
        for (var i = 0; i < count; i++)
        {
            var j = i;
            while (j > 0 && forms.Slice(offsets[order[j - 1]], lengths[order[j - 1]]).SequenceCompareTo(forms.Slice(offsets[i], lengths[i])) > 0)
            {
                order[j] = order[j - 1];
                j--;
            }

            order[j] = i;
        }

        Span<char> key = stackalloc char[used + count];
        var length = 0;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                key[length++] = ' ';
            }

            forms.Slice(offsets[order[i]], lengths[order[i]]).CopyTo(key[length..]);
            length += lengths[order[i]];
        }

        var result = key[..length];
        return result.SequenceEqual(normalized) ? normalized : new string(result);
    }

    /// <summary>
    /// Records the token text[<paramref name="start"/>..<paramref name="end"/>) of class <paramref name="cls"/> as
    /// (start, kept length, 'y' appended) of its singular form; false when the stack buffers are full.
    /// </summary>
    private static bool AddToken(string text, int start, int end, TokenClass cls, Span<int> starts, Span<int> kept, Span<bool> withY, ref int count)
    {
        if (count == StackTokens)
        {
            return false;
        }

        starts[count] = start;
        kept[count] = FormOf(text.AsSpan(start, end - start), cls, out withY[count]);
        count++;
        return true;
    }

    /// <summary>
    /// The singular of a lower-case English word by simple rules: "ies" to "y" (when more than 4 letters),
    /// "sses", "xes", "ches", "shes" drop "es", and a trailing "s" is dropped when the word has more than 3
    /// letters and does not end in "ss", "us" or "is". Anything else is returned as is.
    /// </summary>
    internal static string Singular(ReadOnlySpan<char> word)
    {
        var keep = SingularLength(word, out var y);
        return y ? string.Concat(word[..keep], "y") : word[..keep].ToString();
    }

    /// <summary>The key by the straightforward list of token strings: for texts past the stack buffers.</summary>
    private static string KeyOfList(string normalized)
    {
        var tokens = new List<string>();
        var walk = new TokenWalk(normalized);
        while (walk.Next(out var start, out var end, out var cls))
        {
            tokens.Add(Token(normalized.AsSpan(start, end - start), cls));
        }

        if (tokens.Count == 1)
        {
            return tokens[0];
        }

        tokens.Sort(StringComparer.Ordinal);
        return string.Join(' ', tokens);
    }

    /// <summary>
    /// The singular form of <see cref="Singular"/> as the length of the word kept, and whether a "y" follows it.
    /// </summary>
    private static int SingularLength(ReadOnlySpan<char> word, out bool appendY)
    {
        appendY = false;
        if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
        {
            appendY = true;
            return word.Length - 3;
        }

        if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
            || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal))
        {
            return word.Length - 2;
        }

        if (word.Length > 3 && word[^1] == 's' && !word.EndsWith("ss", StringComparison.Ordinal)
            && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
        {
            return word.Length - 1;
        }

        return word.Length;
    }

    /// <summary>A token's form in the key (see <see cref="Token"/>): its kept length and whether a "y" follows.</summary>
    private static int FormOf(ReadOnlySpan<char> text, TokenClass cls, out bool appendY)
    {
        if (cls == TokenClass.Letter && Ascii.IsValid(text))
        {
            return SingularLength(text, out appendY);
        }

        appendY = false;
        return text.Length;
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

        // ASCII first, without the pinyin table (no ASCII character has a reading).
        if (rune.IsAscii)
        {
            var ch = (char)rune.Value;
            return char.IsAsciiLetter(ch) ? TokenClass.Letter : char.IsAsciiDigit(ch) ? TokenClass.Digit : TokenClass.None;
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

    /// <summary>The tokens of a text, one at a time, as ranges with their class (runs of one class, None dropped).</summary>
    private struct TokenWalk(string text)
    {
        private int _index;
        private int _start;
        private TokenClass _current;

        /// <summary>Moves to the next token; false at the end of the text.</summary>
        public bool Next(out int start, out int end, out TokenClass cls)
        {
            while (_index < text.Length)
            {
                Rune.DecodeFromUtf16(text.AsSpan(_index), out var rune, out var consumed); // a lone surrogate reads as U+FFFD
                var next = Classify(rune, text, _index, _current);
                var at = _index;
                _index += consumed;
                if (next == _current)
                {
                    continue;
                }

                var (previous, from) = (_current, _start);
                _start = at;
                _current = next;
                if (previous != TokenClass.None)
                {
                    (start, end, cls) = (from, at, previous);
                    return true;
                }
            }

            if (_current != TokenClass.None)
            {
                (start, end, cls) = (_start, _index, _current);
                _current = TokenClass.None;
                return true;
            }

            (start, end, cls) = (0, 0, TokenClass.None);
            return false;
        }
    }
}
