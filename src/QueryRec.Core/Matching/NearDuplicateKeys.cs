using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace QueryRec.Core.Matching;

/// <summary>
/// The collapse key of one index version: <see cref="NearDuplicates.Key"/>, except for the queries the build folded
/// into another query by their spacing ("smart watch" and "smartwatch", "x box 360" and "xbox 360"), which take the
/// key of that query. Suggest, Discover, the shading words and <c>evaluate</c>'s hit rule all use it, so what the
/// service shows as one item is what the evaluation counts as one query.
/// </summary>
/// <remarks>
/// A text's own key cannot tell "smart watch" (two words) from "car pet" beside "carpet": only the log can, so the
/// build decides which pairs are one query and records the folds per version; a text not recorded (any text, for a
/// version without folds) keeps its own key.
/// </remarks>
public sealed class NearDuplicateKeys
{
    private readonly FrozenDictionary<string, string> _folds;

    /// <summary>Creates the keys of a version from its folds (text, key of the form it folds into).</summary>
    public NearDuplicateKeys(IEnumerable<KeyValuePair<string, string>> folds)
    {
        ArgumentNullException.ThrowIfNull(folds);
        _folds = folds.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>No folds: every text collapses by its own key.</summary>
    public static NearDuplicateKeys None { get; } = new([]);

    /// <summary>How many texts are folded.</summary>
    public int Count => _folds.Count;

    /// <summary>The folds, text to key.</summary>
    public IEnumerable<KeyValuePair<string, string>> Folds => _folds;

    /// <summary>The collapse key of a normalized text.</summary>
    public string Key(string normalized) => TryGetFold(normalized, out var key) ? key : NearDuplicates.Key(normalized);

    /// <summary>The key a folded text takes; false when the text is not folded (it keeps its own key).</summary>
    public bool TryGetFold(string normalized, [MaybeNullWhen(false)] out string key)
    {
        if (_folds.Count == 0)
        {
            key = null;
            return false;
        }

        return _folds.TryGetValue(normalized, out key);
    }

    /// <summary>
    /// The spacing form of a normalized text: <see cref="NearDuplicates.Key"/> of its letters and digits without the
    /// spaces and punctuation between them, except what stands between two digits ("x-box 360", "x box 360" and
    /// "xbox 360" are one; "2060 12g" is not "206012g", nor "2.4a" "24a"). Texts with one spacing form are candidates
    /// to fold; the build decides.
    /// </summary>
    public static string SpacingForm(string normalized) => NearDuplicates.Key(Spaceless(normalized));

    /// <summary>
    /// The letters and digits of the text without spaces or punctuation, but for what stands between two digits and the
    /// symbols that carry meaning ("c++", "c#", "100%": "c++ book" is not "c book").
    /// </summary>
    public static string Spaceless(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsLetterOrDigit(text[i]) || char.IsSurrogate(text[i]) || text[i] is '+' or '#' or '%'
                || (i > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1])))
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }
}
