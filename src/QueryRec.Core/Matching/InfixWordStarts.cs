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
        var walk = new Walk(text);
        while (walk.Next(out var index, out var han))
        {
            yield return (index, han);
        }
    }

    /// <summary>
    /// True when <paramref name="key"/> occurs in <paramref name="text"/> at a word start after position 0: the
    /// membership of a query in the infix node of <paramref name="key"/> (the key's length bounds aside).
    /// </summary>
    public static bool Contains(string text, string key)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            return false;
        }

        // The walk of Of without its enumerator (this runs per completion on the infix path).
        var walk = new Walk(text);
        while (walk.Next(out var index, out _))
        {
            if (text.Length - index >= key.Length && string.CompareOrdinal(text, index, key, 0, key.Length) == 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="rune"/>, after <paramref name="previous"/>, starts a word (not at position 0).</summary>
    private static bool StartsWord(Rune previous, Rune rune, bool han)
        => rune.Value != ' ' && (previous.Value == ' ' || han || (IsHan(previous) && Rune.IsLetterOrDigit(rune)));

    /// <summary>The word starts of a text, one at a time, without allocating.</summary>
    private struct Walk(string text)
    {
        private Rune _previous;
        private int _index;
        private bool _started;

        /// <summary>Moves to the next word start; false at the end of the text.</summary>
        public bool Next(out int start, out bool han)
        {
            while (_index < text.Length)
            {
                Rune.DecodeFromUtf16(text.AsSpan(_index), out var rune, out var consumed);
                start = _index;
                han = IsHan(rune);
                var startsWord = _started && StartsWord(_previous, rune, han);
                _previous = rune;
                _started = true;
                _index += consumed;
                if (startsWord)
                {
                    return true;
                }
            }

            start = 0;
            han = false;
            return false;
        }
    }
}
