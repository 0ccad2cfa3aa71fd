using System.Globalization;
using System.Text;

namespace QueryRec.Core.Normalization;

/// <summary>
/// Turns raw query text into the normalized form that keys the index: Unicode NFKC (which also folds
/// full-width Latin and digits to half-width), lower case (culture-invariant), control and format
/// characters removed, and every run of whitespace collapsed to a single ASCII space.
/// </summary>
/// <remarks>
/// Offline and online must agree byte for byte, so this is the only normalizer; the indexer and the
/// server both call it. Traditional to simplified folding and pinyin detection are added by the
/// matching work, on top of this.
/// </remarks>
public static class QueryNormalizer
{
    /// <summary>Normalizes a complete query: trimmed on both ends.</summary>
    public static string Normalize(string? text) => NormalizeCore(text, keepTrailingSpace: false);

    /// <summary>
    /// Normalizes what a user has typed so far. Like <see cref="Normalize"/>, but one trailing space is
    /// kept: "gears " must only complete to queries with a word boundary after "gears".
    /// </summary>
    public static string NormalizePrefix(string? text) => NormalizeCore(text, keepTrailingSpace: true);

    private static string NormalizeCore(string? text, bool keepTrailingSpace)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var nfkc = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(nfkc.Length);
        var pendingSpace = false;
        Span<char> buffer = stackalloc char[2];
        foreach (var rune in nfkc.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator)
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            var lower = Rune.ToLowerInvariant(rune);
            var written = lower.EncodeToUtf16(buffer);
            builder.Append(buffer[..written]);
        }

        if (pendingSpace && keepTrailingSpace)
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Returns the prefixes of a normalized query that are indexed, from 1 rune up to
    /// <paramref name="maxRunes"/> runes. Prefixes never split a surrogate pair.
    /// </summary>
    public static IEnumerable<string> IndexedPrefixes(string normalized, int maxRunes)
    {
        var runes = 0;
        var index = 0;
        while (index < normalized.Length && runes < maxRunes)
        {
            index += char.IsHighSurrogate(normalized[index]) && index + 1 < normalized.Length ? 2 : 1;
            runes++;
            yield return normalized[..index];
        }
    }

    /// <summary>Cuts a normalized prefix to at most <paramref name="maxRunes"/> runes.</summary>
    public static string TruncateRunes(string normalized, int maxRunes)
    {
        var runes = 0;
        var index = 0;
        while (index < normalized.Length && runes < maxRunes)
        {
            index += char.IsHighSurrogate(normalized[index]) && index + 1 < normalized.Length ? 2 : 1;
            runes++;
        }

        return index == normalized.Length ? normalized : normalized[..index];
    }
}
