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
    private readonly FrozenDictionary<string, Fold> _folds;

    /// <summary>Creates the keys of a version from its folds (one per text: of a text listed twice, the first counts).</summary>
    public NearDuplicateKeys(IEnumerable<Fold> folds)
    {
        ArgumentNullException.ThrowIfNull(folds);
        var byText = new Dictionary<string, Fold>(StringComparer.Ordinal);
        foreach (var fold in folds)
        {
            byText.TryAdd(fold.Text, fold);
        }

        _folds = byText.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>No folds: every text collapses by its own key.</summary>
    public static NearDuplicateKeys None { get; } = new([]);

    /// <summary>How many texts are folded.</summary>
    public int Count => _folds.Count;

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

        if (_folds.TryGetValue(normalized, out var fold))
        {
            key = fold.Key;
            return true;
        }

        key = null;
        return false;
    }

    /// <summary>
    /// The spelling shown for a folded text where no typed prefix binds the spelling (Discover, shading words): the most
    /// searched form of the query it folds into; false when the text is not folded.
    /// </summary>
    public bool TryGetShown(string normalized, [MaybeNullWhen(false)] out string shown)
    {
        if (_folds.Count > 0 && _folds.TryGetValue(normalized, out var fold))
        {
            shown = fold.Shown;
            return true;
        }

        shown = null;
        return false;
    }

    /// <summary>One folded text of a version.</summary>
    /// <param name="Text">The normalized text (a query of the version).</param>
    /// <param name="Key">The collapse key it takes: the key of the query it folds into.</param>
    /// <param name="Shown">The most searched form of that query.</param>
    public readonly record struct Fold(string Text, string Key, string Shown);

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
