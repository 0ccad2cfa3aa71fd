using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;

namespace QueryRec.UnitTests.Core.Matching;

public sealed class NearDuplicatesTests
{
    [Theory]
    [InlineData("iphone15", "iphone 15")]
    [InlineData("iphone15", "iPhone-15")]
    [InlineData("red dresses", "dress red")]
    [InlineData("Phone Cases", "phone case")]
    [InlineData("batteries aa", "AA battery")]
    [InlineData("watches men", "men watch")]
    [InlineData("boxes", "box")]
    [InlineData("连衣裙 长款", "长款，连衣裙")]
    [InlineData("连衣裙2024", "2024 连衣裙")]
    [InlineData("c++ book", "book c++")]
    public void Key_NearDuplicates_Equal(string a, string b)
    {
        Assert.Equal(NearDuplicates.Key(QueryNormalizer.Normalize(a)), NearDuplicates.Key(QueryNormalizer.Normalize(b)));
    }

    [Theory]
    [InlineData("iphone 15", "iphone 16")]
    [InlineData("glass", "glas")]
    [InlineData("c++ book", "c# book")]
    [InlineData("2.5 inch", "25 inch")]
    [InlineData("6*8 袋", "8*6 袋")]
    [InlineData("连衣裙长款", "长款连衣裙")] // hanzi runs are one token each
    [InlineData("red dress", "red red dress")]
    public void Key_DifferentQueries_Differ(string a, string b)
    {
        Assert.NotEqual(NearDuplicates.Key(QueryNormalizer.Normalize(a)), NearDuplicates.Key(QueryNormalizer.Normalize(b)));
    }

    [Theory]
    [InlineData("dresses", "dress")]
    [InlineData("batteries", "battery")]
    [InlineData("pies", "pie")]
    [InlineData("boxes", "box")]
    [InlineData("watches", "watch")]
    [InlineData("brushes", "brush")]
    [InlineData("shoes", "shoe")]
    [InlineData("glass", "glass")]
    [InlineData("bus", "bus")]
    [InlineData("virus", "virus")]
    [InlineData("tennis", "tennis")]
    [InlineData("gas", "gas")]
    public void Singular_EnglishWord_SimpleRules(string word, string expected)
    {
        Assert.Equal(expected, NearDuplicates.Singular(word));
    }

    [Fact]
    public void Key_AnyWordOrder_Same()
    {
        var word = Gen.String["abcdefghijklmnopqrstuvwxyz0123456789连衣裙长款"].Where(w => w.Length > 0);
        word.Array[1, 5].Sample(words =>
        {
            var shuffled = words.Reverse().ToArray();
            Assert.Equal(NearDuplicates.Key(string.Join(' ', words)), NearDuplicates.Key(string.Join(' ', shuffled)));
        });
    }

    [Fact]
    public void Key_EqualsTheListBasedKey_OnRandomTexts()
    {
        // The allocation-lean key against the list-of-strings algorithm it replaced (kept below, as it was): texts of
        // words with English plural endings, digits with ".", "*" and "%", "+" and "#", hanzi, punctuation and spaces.
        string[] parts =
        [
            "dress", "dresses", "batteries", "pies", "boxes", "watches", "brushes", "glass", "bus", "tennis", "gas", "ies",
            "iphone", "15", "2.5", "6*8", "100%", "c++", "c#", "连衣裙", "长款", "é", "-", ",", "，", ".", "*", "+", " ", "  ",
        ];
        Gen.Int[0, parts.Length - 1].Select(i => parts[i]).Array[0, 12].Select(static parts => string.Concat(parts)).Sample(text =>
            Assert.Equal(ListBasedKey(text), NearDuplicates.Key(text)), iter: 20_000);
    }

    [Fact]
    public void Key_TextAlreadyItsKey_ReturnsTheSameInstance()
    {
        // What makes the collapse allocation-free for most candidates: no new string when the key is the text.
        const string text = "15 iphone";
        Assert.Same(text, NearDuplicates.Key(text));
        Assert.NotSame("iphone 15", NearDuplicates.Key("iphone 15"));
    }

    [Fact]
    public void Key_LongTextsAndManyTokens_SameAsTheListBasedKey()
    {
        var longText = string.Join(' ', Enumerable.Range(0, 60).Select(static i => "word" + (char)('a' + (i % 26)) + "s"));
        var manyTokens = string.Join(' ', Enumerable.Range(0, 40).Select(static i => (40 - i).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(ListBasedKey(longText), NearDuplicates.Key(longText));
        Assert.Equal(ListBasedKey(manyTokens), NearDuplicates.Key(manyTokens));
    }

    /// <summary>The key as computed before the allocation cut: a list of token strings, sorted and joined.</summary>
    private static string ListBasedKey(string normalized)
    {
        var tokens = new List<string>();
        var start = 0;
        var current = 0; // 0 none, 1 letter, 2 digit, 3 hanzi
        var index = 0;
        foreach (var rune in normalized.EnumerateRunes())
        {
            var cls = Classify(rune, normalized, index, current);
            if (cls != current)
            {
                if (current != 0)
                {
                    tokens.Add(ListToken(normalized.AsSpan(start, index - start), current));
                }

                start = index;
                current = cls;
            }

            index += rune.Utf16SequenceLength;
        }

        if (current != 0)
        {
            tokens.Add(ListToken(normalized.AsSpan(start, index - start), current));
        }

        if (tokens.Count == 1)
        {
            return tokens[0];
        }

        tokens.Sort(StringComparer.Ordinal);
        return string.Join(' ', tokens);

        static string ListToken(ReadOnlySpan<char> text, int cls)
        {
            if (cls != 1 || !System.Text.Ascii.IsValid(text))
            {
                return text.ToString();
            }

            var word = text;
            if (word.Length > 4 && word.EndsWith("ies", StringComparison.Ordinal))
            {
                return string.Concat(word[..^3], "y");
            }

            if (word.EndsWith("sses", StringComparison.Ordinal) || word.EndsWith("xes", StringComparison.Ordinal)
                || word.EndsWith("ches", StringComparison.Ordinal) || word.EndsWith("shes", StringComparison.Ordinal))
            {
                return word[..^2].ToString();
            }

            if (word.Length > 3 && word[^1] == 's' && !word.EndsWith("ss", StringComparison.Ordinal)
                && !word.EndsWith("us", StringComparison.Ordinal) && !word.EndsWith("is", StringComparison.Ordinal))
            {
                return word[..^1].ToString();
            }

            return word.ToString();
        }

        static int Classify(System.Text.Rune rune, string text, int index, int current)
        {
            switch (rune.Value)
            {
                case '+' or '#' when current is 1 or 2:
                case '%' when current is 2:
                    return current;
                case '.' or '*' when current is 2 && index + 1 < text.Length && char.IsAsciiDigit(text[index + 1]):
                    return 2;
            }

            if (PinyinConverter.Default.IsHanzi(rune))
            {
                return 3;
            }

            if (System.Text.Rune.IsDigit(rune))
            {
                return 2;
            }

            return System.Text.Rune.IsLetter(rune) || System.Text.Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.NonSpacingMark
                or System.Globalization.UnicodeCategory.SpacingCombiningMark
                ? 1
                : 0;
        }
    }
}
