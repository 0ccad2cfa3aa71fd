using System.Text;
using QueryRec.Core.Matching;

namespace QueryRec.Indexer.Build;

/// <summary>
/// The words of a query as typed, in order, that a misspelling may have edited: runs of ASCII letters and runs of
/// hanzi. Digits are not words here (model numbers and sizes are never edited), nor letters of other scripts.
/// </summary>
/// <remarks>
/// Words are taken as typed, not singularized as in <see cref="NearDuplicates.Key"/>: "coffee bens" is a typo of
/// "coffee beans" (one letter of a 5-letter word), which its key ("ben coffee", "bean coffee") would hide behind a
/// 3-letter word.
/// </remarks>
internal static class SurfaceWords
{
    private enum Kind
    {
        Other,
        Latin,
        Hanzi,
        OtherLetter,
    }

    /// <summary>The (start, length) of each ASCII-letter or hanzi run of <paramref name="text"/>, in order.</summary>
    public static List<(int Start, int Length)> Of(string text)
    {
        var runs = new List<(int Start, int End, Kind Kind)>();
        var at = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var kind = KindOf(rune);
            if (runs.Count > 0 && runs[^1].Kind == kind)
            {
                runs[^1] = (runs[^1].Start, at + rune.Utf16SequenceLength, kind);
            }
            else
            {
                runs.Add((at, at + rune.Utf16SequenceLength, kind));
            }

            at += rune.Utf16SequenceLength;
        }

        var words = new List<(int, int)>();
        for (var i = 0; i < runs.Count; i++)
        {
            // A Latin run that touches another script's letter ("pokémon") is not an ASCII word: left alone.
            var (start, end, kind) = runs[i];
            if (kind == Kind.Hanzi
                || (kind == Kind.Latin && (i == 0 || runs[i - 1].Kind != Kind.OtherLetter) && (i + 1 == runs.Count || runs[i + 1].Kind != Kind.OtherLetter)))
            {
                words.Add((start, end - start));
            }
        }

        return words;
    }

    /// <summary>
    /// True for a word short enough that one edit often leads to another real word: Latin below
    /// <see cref="TypoEdits.AnyEditLength"/> letters ("fear"/"gear"), hanzi runs of two (李子/梨子).
    /// </summary>
    public static bool IsShort(string word)
        => char.IsAsciiLetter(word[0]) ? word.Length < TypoEdits.AnyEditLength : word.EnumerateRunes().Count() <= 2;

    private static Kind KindOf(Rune rune)
    {
        if (rune.IsAscii)
        {
            return char.IsAsciiLetter((char)rune.Value) ? Kind.Latin : Kind.Other;
        }

        if (PinyinConverter.Default.IsHanzi(rune))
        {
            return Kind.Hanzi;
        }

        return Rune.IsLetter(rune) || Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark ? Kind.OtherLetter : Kind.Other;
    }
}
