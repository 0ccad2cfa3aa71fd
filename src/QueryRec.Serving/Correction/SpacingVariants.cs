using QueryRec.Core.Matching;

namespace QueryRec.Serving.Correction;

/// <summary>
/// The spellings of a query with spaces added or removed that a spacing correction may reach: every word joined, each
/// pair of neighbouring words joined, a space at each letter/digit boundary ("iphone15" → "iphone 15"), and a Latin
/// word of 6+ letters split in two (each half 3+ letters: "blackops" → "black ops"). Bounded by <c>max</c>.
/// </summary>
internal static class SpacingVariants
{
    private const int MinHalf = 3;

    public static List<string> Of(string query, int max)
    {
        var variants = new List<string>();
        var words = query.Split(' ');
        if (words.Length > 1)
        {
            Add(variants, string.Concat(words), query, max);
            for (var i = 0; i + 1 < words.Length; i++)
            {
                Add(variants, string.Join(' ', words[..i].Append(words[i] + words[i + 1]).Concat(words[(i + 2)..])), query, max);
            }
        }

        Add(variants, Boundaries(query), query, max);
        for (var w = 0; w < words.Length; w++)
        {
            var word = words[w];
            if (word.Length < 2 * MinHalf || !word.All(char.IsAsciiLetterLower))
            {
                continue;
            }

            for (var cut = MinHalf; cut <= word.Length - MinHalf; cut++)
            {
                var split = words.ToArray();
                split[w] = string.Concat(word.AsSpan(0, cut), " ", word.AsSpan(cut));
                Add(variants, string.Join(' ', split), query, max);
            }
        }

        return variants;
    }

    private static string Boundaries(string query)
    {
        var chars = new List<char>(query.Length + 4);
        for (var i = 0; i < query.Length; i++)
        {
            if (i > 0 && query[i - 1] != ' ' && query[i] != ' '
                && (char.IsAsciiLetter(query[i - 1]) && char.IsAsciiDigit(query[i]) || char.IsAsciiDigit(query[i - 1]) && char.IsAsciiLetter(query[i])))
            {
                chars.Add(' ');
            }

            chars.Add(query[i]);
        }

        return new string([.. chars]);
    }

    private static void Add(List<string> variants, string variant, string query, int max)
    {
        if (variants.Count < max && QueryEdits.Spacing(query, variant) > 0 && !variants.Contains(variant, StringComparer.Ordinal))
        {
            variants.Add(variant);
        }
    }
}
