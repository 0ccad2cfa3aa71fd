using System.Text;
using QueryRec.Core;
using QueryRec.Core.Matching;

namespace QueryRec.Serving.Recall;

/// <summary>
/// A typed input that mixes hanzi with Latin letters or digits, in any order: hanzi then pinyin ("连yi"), pinyin
/// followed by Latin words and digits ("佳nengr5", "小mi14pro"), pinyin between hanzi ("iphone手ji壳"), pinyin first
/// ("xiao米"). It is kept as its key units, the characters a pinyin key is made of (<see cref="LatinKey"/>: spaces and
/// punctuation dropped, as from an indexed text), and matched against a query's text unit by unit
/// (<see cref="MatchEnd"/>): a typed hanzi must be that hanzi; a run of typed letters reads the query's hanzi as
/// whole syllables of one of their readings (the last one may be cut short) and its own letters literally; digits
/// and other letters are literal.
/// </summary>
internal sealed class MixedInput
{
    /// <summary>Most key units a mixed input may hold: longer inputs are not read as mixed (bounds the matching).</summary>
    public const int MaxUnits = Limits.MaxPrefixLength;

    /// <summary>Most alignment steps spent on one query text; past it the text does not match (bounds polyphone branching).</summary>
    private const int StepBudget = 512;

    /// <summary>Longest input whose text units <see cref="MatchEnd"/> keeps on the stack.</summary>
    private const int StackUnits = 64;

    private readonly Rune[] _units;

    private MixedInput(string text, Rune[] units, string literalHead)
    {
        Text = text;
        _units = units;
        LiteralHead = literalHead;
    }

    /// <summary>The normalized input.</summary>
    public string Text { get; }

    /// <summary>
    /// The input up to the last hanzi before the first letter typed after a hanzi ("佳" of "佳nengr5", "iphone手" of
    /// "iphone手ji壳"): typed as the query text starts, unless its letters are pinyin too ("xiao米" of "xiao米ji"). Empty
    /// when no letter follows a hanzi: the whole input is then literal text, which the prefix table reads.
    /// </summary>
    public string LiteralHead { get; }

    /// <summary>
    /// Reads <paramref name="prefix"/> (normalized) as a mixed input: at least one hanzi and at least one letter or digit
    /// that is not a hanzi, at most <see cref="MaxUnits"/> key units.
    /// </summary>
    public static bool TryParse(string prefix, out MixedInput input)
    {
        input = null!;
        var count = 0;
        var hanzi = false;
        var other = false;
        var afterHanzi = false;
        var literalHeadEnd = -1;
        var headClosed = false;
        var index = 0;
        foreach (var rune in prefix.EnumerateRunes())
        {
            index += rune.Utf16SequenceLength;
            if (MatchInput.IsHanzi(rune))
            {
                hanzi = afterHanzi = true;
                literalHeadEnd = headClosed ? literalHeadEnd : index;
                count++;
            }
            else if (LatinKey.IsKeyRune(rune))
            {
                other = true;
                headClosed |= afterHanzi && IsPinyinLetter(rune);
                count++;
            }
        }

        // All-hanzi and Latin inputs, most of the keystrokes, stop here without allocating.
        if (!hanzi || !other || count > MaxUnits)
        {
            return false;
        }

        var units = new Rune[count];
        var at = 0;
        foreach (var rune in prefix.EnumerateRunes())
        {
            if (MatchInput.IsHanzi(rune) || LatinKey.IsKeyRune(rune))
            {
                units[at++] = rune;
            }
        }

        var literalHead = headClosed && literalHeadEnd > 0 ? prefix[..literalHeadEnd] : string.Empty;
        input = new MixedInput(prefix, units, literalHead);
        return true;
    }

    /// <summary>
    /// The full-pinyin lookup keys of the input, best reading of its hanzi first: hanzi replaced by a reading, letters
    /// and digits kept, spaces and punctuation dropped, the way the indexer keys a query ("佳nengr5" → "jianengr5").
    /// </summary>
    public List<string> LookupKeys(int maxVariants, int maxLookups)
    {
        var keys = new List<string>(maxLookups);
        foreach (var key in PinyinConverter.Default.Keys(Text, maxVariants))
        {
            if (keys.Count == maxLookups)
            {
                break;
            }

            if (!keys.Contains(key.Full))
            {
                keys.Add(key.Full);
            }
        }

        return keys;
    }

    /// <summary>
    /// Where in <paramref name="text"/> (a normalized query) the input ends when the text starts with it, unit by unit:
    /// the index just past the text's character that matched the input's last unit ("蓝色" of "蓝色 丝带" for "蓝se");
    /// -1 when the text does not start with the input. <paramref name="secondary"/> is how many of the text's hanzi the
    /// match reads by a reading other than their first (the first readings are tried first).
    /// </summary>
    public int MatchEnd(string text, out int secondary)
    {
        // Each text unit matched takes at least one input unit, so no more text units than input units are needed.
        Span<(Rune Rune, int End)> units = _units.Length <= StackUnits
            ? stackalloc (Rune, int)[_units.Length]
            : new (Rune, int)[_units.Length];
        var count = 0;
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            index += rune.Utf16SequenceLength;
            if (MatchInput.IsHanzi(rune) || LatinKey.IsKeyRune(rune))
            {
                units[count++] = (rune, index);
                if (count == units.Length)
                {
                    break;
                }
            }
        }

        var budget = StepBudget;
        secondary = 0;
        return Align(units[..count], 0, 0, ref budget, ref secondary);
    }

    /// <summary>Matches the input from unit <paramref name="i"/> against the text from unit <paramref name="j"/>; the end or -1.</summary>
    private int Align(ReadOnlySpan<(Rune Rune, int End)> text, int i, int j, ref int budget, ref int secondary)
    {
        if (i == _units.Length)
        {
            return j == 0 ? 0 : text[j - 1].End;
        }

        if (j == text.Length || --budget < 0)
        {
            return -1;
        }

        var typed = _units[i];
        var (rune, end) = text[j];
        var readings = IsPinyinLetter(typed) ? PinyinConverter.Default.Readings(rune) : [];
        if (readings.Count == 0)
        {
            return typed == rune ? Align(text, i + 1, j + 1, ref budget, ref secondary) : -1;
        }

        for (var r = 0; r < readings.Count; r++)
        {
            var reading = readings[r];
            var common = CommonLength(i, reading);
            var other = r > 0 ? 1 : 0;
            if (common == reading.Length)
            {
                var after = secondary + other;
                var matched = Align(text, i + common, j + 1, ref budget, ref after);
                if (matched >= 0)
                {
                    secondary = after;
                    return matched;
                }
            }
            else if (common > 0 && i + common == _units.Length)
            {
                // The input ends inside this syllable: the last syllable may be typed in part ("蓝se" for 蓝色).
                secondary += other;
                return end;
            }
        }

        return -1;
    }

    /// <summary>How many of the input's units from <paramref name="i"/> spell the start of <paramref name="reading"/>.</summary>
    private int CommonLength(int i, string reading)
    {
        var n = 0;
        while (n < reading.Length && i + n < _units.Length && _units[i + n].Value == reading[n])
        {
            n++;
        }

        return n;
    }

    /// <summary>A lower-case ASCII letter: the letters pinyin is typed with ("v" for ü).</summary>
    private static bool IsPinyinLetter(Rune rune) => rune.Value is >= 'a' and <= 'z';
}
