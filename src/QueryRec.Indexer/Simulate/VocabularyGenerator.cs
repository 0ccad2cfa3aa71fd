using System.Globalization;
using System.Text;
using QueryRec.Core.Normalization;

namespace QueryRec.Indexer.Simulate;

/// <summary>
/// A deterministic query vocabulary of N distinct normalized queries for the scale curve (<c>simulate --vocabulary N</c>):
/// the catalog's queries first (in a seeded order), then variants synthesized from them (a catalog query plus one or
/// two modifiers: hanzi words such as 价格 or 旗舰店, Latin words such as pro or 2025, attribute values of the query's
/// category, and model codes such as "k47"), so that the hanzi, Latin and pinyin mix stays the catalog's. Written as
/// <c>query&lt;TAB&gt;count</c> lines in rank order, count = max(1, round(N / rank^s)) (Zipf), which
/// <c>build --queries</c> reads (<see cref="Build.QueryListReader"/>).
/// </summary>
internal static class VocabularyGenerator
{
    /// <summary>The largest vocabulary (the query-list reader reads at most 10,000,000 lines).</summary>
    public const int MaxSize = Build.QueryListReader.MaxLines;

    private static readonly string[] HanziModifiers =
    [
        "价格", "评测", "推荐", "官方旗舰店", "新款", "正品", "二手", "怎么样", "优惠", "配件", "套装", "男款", "女款", "儿童",
        "便宜", "包邮", "专卖店", "旗舰", "同款", "大全", "排行榜", "质量", "尺寸", "多少钱", "真假", "维修", "充电器", "保护套",
        "黑色", "白色", "红色", "蓝色", "大号", "小号", "加厚", "礼盒", "清仓", "国行", "港版", "原装",
    ];

    private static readonly string[] LatinModifiers =
    [
        "pro", "max", "plus", "mini", "lite", "ultra", "2024", "2025", "new", "review", "sale", "case", "black", "white",
        "xl", "se", "air", "neo", "5g", "128gb", "256gb", "512gb", "1tb", "gen 2", "gen 3", "refurbished", "bundle", "kit",
        "for kids", "cheap", "best", "vs", "deal", "outlet", "original", "wireless", "usb c", "set", "large", "small",
    ];

    private static readonly string CodeLetters = "abcdefghjkmnprstvxyz";

    /// <summary>Writes <paramref name="size"/> distinct queries with Zipf counts to <paramref name="output"/>.</summary>
    /// <returns>Queries written, and how many of them came from the catalog as is.</returns>
    public static (int Written, int FromCatalog) Write(Catalog catalog, int size, double zipf, int seed, TextWriter output, Action<double, double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var bases = new List<(string Text, int Category)>();
        foreach (var q in catalog.Queries)
        {
            var text = QueryNormalizer.Normalize(q.Text);
            if (text.Length > 0 && seen.Add(text))
            {
                bases.Add((text, q.Category));
            }
        }

        // A seeded order of the catalog's queries: they take the most popular ranks.
        var random = new SimRandom((ulong)seed);
        for (var i = bases.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (bases[i], bases[j]) = (bases[j], bases[i]);
        }

        var attributeWords = catalog.Categories
            .Select(c => c.Attributes.SelectMany(a => a.Values).SelectMany(v => new[] { v.Chinese, v.English }).ToArray())
            .ToArray();
        var fromCatalog = Math.Min(size, bases.Count);
        var written = 0;
        var line = new StringBuilder();
        for (; written < fromCatalog; written++)
        {
            WriteLine(bases[written].Text, written + 1);
        }

        for (long n = 0; written < size; n++)
        {
            var text = Variant(n);
            if (text.Length == 0 || !seen.Add(text))
            {
                continue;
            }

            WriteLine(text, written + 1);
            written++;
            if ((written & 0xFFFF) == 0)
            {
                progress?.Invoke(written, size);
            }
        }

        return (written, fromCatalog);

        void WriteLine(string text, int rank)
        {
            var count = Math.Max(1L, (long)Math.Round(size / Math.Pow(rank, zipf)));
            line.Clear().Append(text).Append('\t').Append(count.ToString(CultureInfo.InvariantCulture));
            output.WriteLine(line);
        }

        string Variant(long n)
        {
            // Popular catalog queries get more variants: the base is drawn with a square bias towards the head.
            var r = SimRandom.For(seed, n, 0x5CA1E);
            var u = r.NextDouble();
            var (baseText, category) = bases[(int)(u * u * bases.Count)];
            var sb = new StringBuilder(baseText);
            var parts = 1 + r.Next(3); // 1..3 modifiers
            for (var p = 0; p < parts; p++)
            {
                sb.Append(' ');
                switch (r.Next(4))
                {
                    case 0:
                        sb.Append(HanziModifiers[r.Next(HanziModifiers.Length)]);
                        break;
                    case 1:
                        sb.Append(LatinModifiers[r.Next(LatinModifiers.Length)]);
                        break;
                    case 2:
                        var words = attributeWords[category];
                        sb.Append(words.Length > 0 ? words[r.Next(words.Length)] : HanziModifiers[r.Next(HanziModifiers.Length)]);
                        break;
                    default:
                        sb.Append(CodeLetters[r.Next(CodeLetters.Length)]).Append(r.Next(1000).ToString(CultureInfo.InvariantCulture));
                        break;
                }
            }

            return QueryNormalizer.Normalize(sb.ToString());
        }
    }
}
