using System.Text;

namespace QueryRec.Indexer.Simulate;

/// <summary>
/// Misspellings as users make them. In Latin words: two adjacent letters swapped, a letter dropped, a letter
/// doubled, or a letter replaced by a neighbouring key on a QWERTY keyboard. In Chinese: a character replaced
/// by a homophone (the wrong choice in a pinyin IME, 手机 → 手鸡) or a character dropped.
/// </summary>
internal static class Typos
{
    private static readonly string[] QwertyRows = ["qwertyuiop", "asdfghjkl", "zxcvbnm"];

    /// <summary>Homophones (same pinyin, ignoring tones) of characters of the vocabulary.</summary>
    private static readonly Dictionary<char, string> Homophones = BuildHomophones(
        "机鸡基", "手首守", "耳尔饵", "鞋谐协", "咖卡", "啡非飞", "电店垫", "脑恼", "裙群", "洗喜", "发法", "水睡",
        "零玲灵", "食时实", "运云", "动冻洞", "笔比", "记计纪", "本奔", "色涩", "红洪", "黑嘿", "白百", "蓝兰",
        "表标", "视市是", "羽雨语", "绒荣容", "服福", "连联莲", "衣依医", "零领", "红宏", "豆斗", "烘轰", "壳可",
        "平瓶", "板版", "扫嫂", "地第", "器气", "炸扎", "锅郭", "口扣", "价架", "测侧", "评平", "款宽", "长常",
        "能龙", "智治", "华化", "米迷", "耐奈", "克刻", "鞋斜", "跑泡", "球求", "篮蓝", "坚尖", "果国", "片骗",
        "饼病", "干甘", "牛扭", "肉柔", "味为", "包保", "盒和", "屑谢", "油由", "防房", "脱拖", "硅归", "唇纯");

    private static readonly Dictionary<char, string> Neighbours = BuildNeighbours();

    /// <summary>Returns a misspelling of <paramref name="text"/> that differs from it, or null when none was found.</summary>
    public static string? Make(ref SimRandom random, string text)
    {
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var positions = 0;
            foreach (var ch in text)
            {
                positions += IsCjk(ch) || char.IsAsciiLetterLower(ch) ? 1 : 0;
            }

            if (positions == 0)
            {
                return null;
            }

            var target = random.Next(positions);
            var i = 0;
            for (; i < text.Length; i++)
            {
                if ((IsCjk(text[i]) || char.IsAsciiLetterLower(text[i])) && target-- == 0)
                {
                    break;
                }
            }

            var typo = IsCjk(text[i]) ? Chinese(ref random, text, i) : Latin(ref random, text, i);
            if (typo is not null && typo != text && typo.Trim().Length > 0 && !typo.Contains("  ", StringComparison.Ordinal))
            {
                return typo.Trim();
            }
        }

        return null;
    }

    internal static bool IsCjk(char c) => c is >= '\u4E00' and <= '\u9FFF';

    private static string? Chinese(ref SimRandom random, string text, int i)
    {
        if (Homophones.TryGetValue(text[i], out var options) && random.NextDouble() < 0.75)
        {
            var replacement = options[random.Next(options.Length)];
            return string.Concat(text.AsSpan(0, i), new string(replacement, 1), text.AsSpan(i + 1));
        }

        var cjk = text.Count(IsCjk);
        return cjk >= 3 ? text.Remove(i, 1) : null;
    }

    private static string? Latin(ref SimRandom random, string text, int i)
    {
        switch (random.Next(4))
        {
            case 0 when i + 1 < text.Length && char.IsAsciiLetterLower(text[i + 1]) && text[i] != text[i + 1]:
                var swapped = text.ToCharArray();
                (swapped[i], swapped[i + 1]) = (swapped[i + 1], swapped[i]);
                return new string(swapped);
            case 1 when WordLength(text, i) >= 4:
                return text.Remove(i, 1);
            case 2:
                return text.Insert(i, new string(text[i], 1));
            default:
                var near = Neighbours[text[i]];
                return string.Concat(text.AsSpan(0, i), new string(near[random.Next(near.Length)], 1), text.AsSpan(i + 1));
        }
    }

    private static int WordLength(string text, int i)
    {
        var start = i;
        while (start > 0 && text[start - 1] != ' ')
        {
            start--;
        }

        var end = i;
        while (end < text.Length && text[end] != ' ')
        {
            end++;
        }

        return end - start;
    }

    private static Dictionary<char, string> BuildHomophones(params string[] sets)
    {
        var map = new Dictionary<char, string>();
        foreach (var set in sets)
        {
            foreach (var c in set)
            {
                var others = new StringBuilder();
                foreach (var o in set)
                {
                    if (o != c)
                    {
                        others.Append(o);
                    }
                }

                map.TryAdd(c, others.ToString());
            }
        }

        return map;
    }

    private static Dictionary<char, string> BuildNeighbours()
    {
        var map = new Dictionary<char, string>();
        for (var r = 0; r < QwertyRows.Length; r++)
        {
            var row = QwertyRows[r];
            for (var i = 0; i < row.Length; i++)
            {
                var near = new StringBuilder();
                if (i > 0)
                {
                    near.Append(row[i - 1]);
                }

                if (i + 1 < row.Length)
                {
                    near.Append(row[i + 1]);
                }

                foreach (var other in new[] { r - 1, r + 1 })
                {
                    if (other >= 0 && other < QwertyRows.Length && i < QwertyRows[other].Length)
                    {
                        near.Append(QwertyRows[other][i]);
                    }
                }

                map[row[i]] = near.ToString();
            }
        }

        return map;
    }
}
