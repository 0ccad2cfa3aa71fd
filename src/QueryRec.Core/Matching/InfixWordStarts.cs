using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>
/// The word starts of the word-start infix table ("x:"), shared by the indexer, which writes a key from every word
/// start, and the servers, which filter a complete ancestor node to a longer key. A word starts after position 0:
/// after a space, at every hanzi (characters, no segmenter), and at a letter or digit right after a hanzi (script
/// change).
/// </summary>
public static class InfixWordStarts
{
    /// <summary>True for a CJK unified or compatibility ideograph (a word start of its own in the infix table).</summary>
    public static bool IsHan(Rune rune) => rune.Value is
        (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x323AF);

    /// <summary>The UTF-16 index of every word start of <paramref name="text"/> after position 0, in order, with whether the rune there is a hanzi.</summary>
    public static IEnumerable<(int Index, bool Han)> Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var previous = default(Rune);
        var index = 0;
        var first = true;
        while (index < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed);
            var han = IsHan(rune);
            if (!first && StartsWord(previous, rune, han))
            {
                yield return (index, han);
            }

            previous = rune;
            first = false;
            index += consumed;
        }
    }

    /// <summary>
    /// True when <paramref name="key"/> occurs in <paramref name="text"/> at a word start after position 0: the
    /// membership of a query in the infix node of <paramref name="key"/> (the key's length bounds aside).
    /// </summary>
    public static bool Contains(string text, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            return false;
        }

        // The walk of Of, without its enumerator (this runs per completion on the infix path).
        ArgumentNullException.ThrowIfNull(text);
        var previous = default(Rune);
        var index = 0;
        var first = true;
        while (index < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(index), out var rune, out var consumed);
            if (!first && StartsWord(previous, rune, IsHan(rune))
                && text.Length - index >= key.Length && string.CompareOrdinal(text, index, key, 0, key.Length) == 0)
            {
                return true;
            }

            previous = rune;
            first = false;
            index += consumed;
        }

        return false;
    }

    /// <summary>Whether <paramref name="rune"/>, after <paramref name="previous"/>, starts a word (not at position 0).</summary>
    private static bool StartsWord(Rune previous, Rune rune, bool han)
        => rune.Value != ' ' && (previous.Value == ' ' || han || (IsHan(previous) && Rune.IsLetterOrDigit(rune)));
}
