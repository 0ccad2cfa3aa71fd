using System.Buffers;
using System.Globalization;
using System.Text;
using QueryRec.Core.Matching;

namespace QueryRec.Core.Normalization;

/// <summary>
/// Turns raw query text into the normalized form that keys the index, in this order: Unicode NFKC (which
/// also folds full-width Latin and digits to half-width), culture-invariant case folding, traditional to
/// simplified Chinese, control and format characters removed, punctuation rules, and every run of
/// whitespace collapsed to a single ASCII space. The result is idempotent.
/// </summary>
/// <remarks>
/// <para>
/// Offline and online must agree byte for byte, so this is the only normalizer; the indexer and the
/// server both call it. The rules are documented in docs/matching.md ("Normalization").
/// </para>
/// <para>
/// Punctuation and symbol characters (Unicode P* and S*) become a space, except a small rule table of
/// characters that carry meaning inside product queries: "." and "*" between digits ("2.5", "6*8", "×" folds to "*"); "-", "&amp;", "'",
/// "/" and "_" between two word characters ("wh-1000xm4", "levi's"); "+" and "#" right after a word
/// character or another kept "+"/"#" ("c++", "c#", "1+1"); "%" right after a digit ("100%"). Word
/// characters are cased letters (Latin, Greek, Cyrillic, ...) and decimal digits, not hanzi.
/// </para>
/// </remarks>
public static class QueryNormalizer
{
    private const int Space = ' ';
    private const int StackRunes = 256;

    static QueryNormalizer() => TextEnvironment.EnsureIcu();

    /// <summary>When a punctuation or symbol character is kept rather than turned into a space.</summary>
    private enum KeepRule
    {
        /// <summary>Always becomes a space.</summary>
        Never,

        /// <summary>Kept between two decimal digits.</summary>
        BetweenDigits,

        /// <summary>Kept between two word characters.</summary>
        BetweenWordChars,

        /// <summary>Kept right after a word character or a kept "+" or "#".</summary>
        AfterWordChar,

        /// <summary>Kept right after a decimal digit.</summary>
        AfterDigit,
    }

    /// <summary>Normalizes a complete query: trimmed on both ends.</summary>
    public static string Normalize(string? text) => NormalizeFixed(text, keepTrailingSpace: false);

    /// <summary>
    /// Normalizes what a user has typed so far. Like <see cref="Normalize"/>, but one trailing space is
    /// kept when the text ends in whitespace or in punctuation that always separates ("gears " and "gears,"
    /// must only complete to queries with a word boundary after "gears"). A trailing character that may join
    /// two words ("wh-", "2.") is dropped without a space, so that "wh-" still completes to "wh-1000xm4".
    /// </summary>
    public static string NormalizePrefix(string? text) => NormalizeFixed(text, keepTrailingSpace: true);

    /// <summary>
    /// Runs the rules until the text is stable: removing a format character can leave a sequence that NFKC
    /// composes (e + ZWSP + combining acute), and case folding can leave one that NFKC changes.
    /// </summary>
    private static string NormalizeFixed(string? text, bool keepTrailingSpace)
    {
        var result = NormalizeCore(text, keepTrailingSpace);
        for (var i = 0; i < 3 && !IsStable(result); i++)
        {
            result = NormalizeCore(result, keepTrailingSpace);
        }

        return result;
    }

    private static bool IsStable(string text)
    {
        foreach (var c in text)
        {
            if (c >= 0x80)
            {
                return text.IsNormalized(NormalizationForm.FormKC);
            }
        }

        return true;
    }

    /// <summary>
    /// Drops what <see cref="string.Normalize(NormalizationForm)"/> and <see cref="string.IsNormalized(NormalizationForm)"/>
    /// throw on: lone surrogates and the noncharacters U+FFFE and U+FFFF. Pass 1 drops both kinds anyway
    /// (categories Surrogate and OtherNotAssigned), so the result is the same as if NFKC had let them through.
    /// </summary>
    private static string WithoutUnnormalizable(string text)
    {
        var first = IndexOfUnnormalizable(text, 0);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var start = 0;
        for (var bad = first; bad >= 0; bad = IndexOfUnnormalizable(text, start))
        {
            builder.Append(text, start, bad - start);
            start = bad + 1;
        }

        return builder.Append(text, start, text.Length - start).ToString();
    }

    private static int IndexOfUnnormalizable(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
            {
                return i;
            }
        }

        return -1;
    }

    private static string NormalizeCore(string? text, bool keepTrailingSpace)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        text = WithoutUnnormalizable(text);
        var nfkc = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);

        // Pass 1: fold every rune (case, traditional to simplified, dash and quote variants) and drop the
        // invisible ones, so that pass 2 sees the neighbours that will be written.
        int[]? rented = null;
        var runes = nfkc.Length <= StackRunes ? stackalloc int[StackRunes] : (rented = ArrayPool<int>.Shared.Rent(nfkc.Length));
        try
        {
            var count = 0;
            var t2s = TextTables.TraditionalToSimplified;
            foreach (var rune in nfkc.EnumerateRunes())
            {
                var category = Rune.GetUnicodeCategory(rune);
                if (Rune.IsWhiteSpace(rune) || category == UnicodeCategory.SpaceSeparator)
                {
                    runes[count++] = Space;
                    continue;
                }

                if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                    or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
                {
                    continue;
                }

                // Simple case folding: lower of upper also folds final sigma, dotless i and the like.
                var folded = Rune.ToLowerInvariant(Rune.ToUpperInvariant(rune)).Value;
                runes[count++] = t2s.TryGetValue(folded, out var simplified) ? simplified : FoldVariant(folded);
            }

            return Write(runes[..count], keepTrailingSpace);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Pass 2: punctuation rules and whitespace collapse.</summary>
    private static string Write(ReadOnlySpan<int> runes, bool keepTrailingSpace)
    {
        var builder = new StringBuilder(runes.Length);
        var pendingSpace = false;
        var boundary = false; // the pending space comes from whitespace or always-separating punctuation
        var last = -1; // the last rune written, when nothing (not even a pending space) follows it
        Span<char> buffer = stackalloc char[2];
        for (var i = 0; i < runes.Length; i++)
        {
            var value = runes[i];
            if (value == Space)
            {
                pendingSpace = builder.Length > 0;
                boundary = true;
                last = -1;
                continue;
            }

            var rune = new Rune(value);
            var category = Rune.GetUnicodeCategory(rune);
            if (IsPunctuationOrSymbol(category))
            {
                var rule = RuleFor(value);
                var next = i + 1 < runes.Length ? runes[i + 1] : -1;
                var keep = rule switch
                {
                    KeepRule.BetweenDigits => IsDigit(last) && IsDigit(next),
                    KeepRule.BetweenWordChars => IsWordChar(last) && IsWordChar(next),
                    KeepRule.AfterWordChar => IsWordChar(last) || last is '+' or '#',
                    KeepRule.AfterDigit => IsDigit(last),
                    _ => false,
                };
                if (!keep)
                {
                    pendingSpace = builder.Length > 0;
                    boundary |= rule == KeepRule.Never;
                    last = -1;
                    continue;
                }
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            boundary = false;
            var written = rune.EncodeToUtf16(buffer);
            builder.Append(buffer[..written]);
            last = value;
        }

        if (pendingSpace && boundary && keepTrailingSpace)
        {
            builder.Append(' ');
        }

        return builder.ToString();
    }

    /// <summary>The explicit table of punctuation that may be kept (see the class remarks).</summary>
    private static KeepRule RuleFor(int value) => value switch
    {
        '.' or '*' => KeepRule.BetweenDigits,
        '-' or '&' or '\'' or '/' or '_' => KeepRule.BetweenWordChars,
        '+' or '#' => KeepRule.AfterWordChar,
        '%' => KeepRule.AfterDigit,
        _ => KeepRule.Never,
    };

    /// <summary>Dash and apostrophe variants that NFKC leaves alone, folded to their ASCII forms.</summary>
    private static int FoldVariant(int value) => value switch
    {
        0x2010 or 0x2012 or 0x2013 or 0x2212 => '-', // hyphen, figure dash, en dash, minus sign
        0x2018 or 0x2019 => '\'', // single quotation marks, the right one being the usual typographic apostrophe
        0x00D7 => '*', // multiplication sign, as in sizes "6×8"
        _ => value,
    };

    private static bool IsPunctuationOrSymbol(UnicodeCategory category) => category is UnicodeCategory.ConnectorPunctuation
        or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation
        or UnicodeCategory.InitialQuotePunctuation or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation
        or UnicodeCategory.MathSymbol or UnicodeCategory.CurrencySymbol or UnicodeCategory.ModifierSymbol
        or UnicodeCategory.OtherSymbol;

    private static bool IsDigit(int value) => value >= 0 && Rune.IsDigit(new Rune(value));

    private static bool IsWordChar(int value) => value >= 0 && Rune.GetUnicodeCategory(new Rune(value)) is UnicodeCategory.LowercaseLetter
        or UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.DecimalDigitNumber;

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

    /// <summary>The length of a text in runes (Unicode scalar values): the unit of prefix lengths.</summary>
    public static int RuneCount(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
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
