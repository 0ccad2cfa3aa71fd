using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>
/// Which characters of a text make its pinyin/Latin key, for both sides of the pinyin tables: the indexer's keys
/// (<see cref="PinyinConverter.Keys"/>) and the key of a typed Latin input. Only letters and digits are key
/// characters; spaces, punctuation and symbols are dropped on both sides, so "充电器2.4a" is keyed
/// "chongdianqi24a" and a typed "chongdianqi2.4a", "chongdianqi2 4a" or "chongdianqi24a" all look that key up.
/// </summary>
/// <remarks>
/// Dropping rather than keeping the punctuation that <see cref="Normalization.QueryNormalizer"/> keeps ("." between
/// digits, "-" between word characters): a user typing pinyin may or may not type "2.4" or "m6-20" with the
/// punctuation, and both spellings must reach the query. The literal text, punctuation included, stays findable by
/// its own prefix through the prefix table, which is keyed by the normalized text itself ("usb-c", "2.4ghz").
/// </remarks>
public static class LatinKey
{
    /// <summary>True when a rune is copied into a pinyin/Latin key as itself: a letter or a digit.</summary>
    public static bool IsKeyRune(Rune rune) => Rune.IsLetterOrDigit(rune);

    /// <summary>
    /// The key of a normalized Latin input: ASCII letters and digits with spaces and ASCII punctuation or symbols
    /// dropped, as <see cref="PinyinConverter.Keys"/> drops them from an indexed text ("luosi m6-20" → "luosim620").
    /// False when the input holds any other character (a hanzi, a non-ASCII letter) or no letter at all.
    /// </summary>
    public static bool TryCreate(string normalized, out string key)
    {
        ArgumentNullException.ThrowIfNull(normalized);
        var letters = 0;
        var dropped = 0;
        foreach (var ch in normalized)
        {
            if (ch is >= 'a' and <= 'z')
            {
                letters++;
            }
            else if (IsDropped(ch))
            {
                dropped++;
            }
            else if (ch is not (>= '0' and <= '9'))
            {
                key = string.Empty;
                return false;
            }
        }

        // Most inputs drop nothing: the key is the input itself.
        key = dropped == 0 ? normalized : string.Create(normalized.Length - dropped, normalized, static (span, text) =>
        {
            var at = 0;
            foreach (var ch in text)
            {
                if (!IsDropped(ch))
                {
                    span[at++] = ch;
                }
            }
        });
        return letters > 0;
    }

    /// <summary>A space or an ASCII punctuation or symbol character: no part of a key.</summary>
    private static bool IsDropped(char ch) => ch < 0x80 && !char.IsAsciiLetterOrDigit(ch) && !char.IsControl(ch);
}
