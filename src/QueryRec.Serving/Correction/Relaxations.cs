using System.Text;
using QueryRec.Core.Matching;

namespace QueryRec.Serving.Correction;

/// <summary>
/// Broader forms of a query: each word left out (of 2+ words), and a trailing run of hanzi cut by one or two
/// characters while two remain (华为手机壳 → 华为手机, 华为手): the query a refinement came from. At most <see cref="Max"/>.
/// </summary>
internal static class Relaxations
{
    public const int Max = 8;

    public static List<string> Of(string query)
    {
        var result = new List<string>();
        var words = query.Split(' ');
        for (var i = 0; words.Length > 1 && i < words.Length; i++)
        {
            Add(result, string.Join(' ', words.Where((_, j) => j != i)), query);
        }

        var runes = query.EnumerateRunes().ToArray();
        var hanzi = 0;
        while (hanzi < runes.Length && PinyinConverter.Default.IsHanzi(runes[runes.Length - 1 - hanzi]))
        {
            hanzi++;
        }

        for (var cut = 1; cut <= 2 && hanzi - cut >= 2; cut++)
        {
            var builder = new StringBuilder();
            foreach (var rune in runes.AsSpan(0, runes.Length - cut))
            {
                builder.Append(rune.ToString());
            }

            Add(result, builder.ToString().TrimEnd(), query);
        }

        return result;
    }

    private static void Add(List<string> result, string text, string query)
    {
        if (result.Count < Max && text.Length > 0 && !string.Equals(text, query, StringComparison.Ordinal) && !result.Contains(text, StringComparer.Ordinal))
        {
            result.Add(text);
        }
    }
}
