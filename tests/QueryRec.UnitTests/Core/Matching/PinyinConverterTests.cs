using System.Text;
using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;

namespace QueryRec.UnitTests.Core.Matching;

public sealed class PinyinConverterTests
{
    private static readonly PinyinConverter Converter = PinyinConverter.Default;

    /// <summary>Common hanzi, polyphones among them (重 行 长 地 乐 调 还 的 得 着).</summary>
    private const string Hanzi = "连衣裙长款手机壳重庆银行地铁乐调还的得着绿女红色男鞋苹果";

    [Theory]
    [InlineData("重庆", "chongqing")]
    [InlineData("重庆", "zhongqing")]
    [InlineData("银行", "yinhang")]
    [InlineData("银行", "yinxing")]
    public void Keys_Polyphone_IncludesEveryReading(string text, string full)
    {
        var keys = Converter.Keys(text, 16);

        Assert.Contains(keys, k => k.Full == full);
    }

    [Fact]
    public void Keys_Polyphone_InitialsFollowTheSameReading()
    {
        var keys = Converter.Keys("重庆", 16);

        // 重 reads zhong first: chongqing takes one non-primary reading.
        Assert.Contains(new PinyinKey("chongqing", "cq") { SecondaryReadings = 1 }, keys);
        Assert.Contains(new PinyinKey("zhongqing", "zq"), keys);
    }

    [Fact]
    public void Keys_NoPolyphone_OneKeyOfFullAndInitials()
    {
        var keys = Converter.Keys("连衣裙", 16);

        Assert.Equal([new PinyinKey("lianyiqun", "lyq")], keys);
    }

    [Fact]
    public void Keys_MixedLatinDigitsAndHanzi_KeepsLatinRunsWhole()
    {
        var keys = Converter.Keys(QueryNormalizer.Normalize("iPhone 15 手机壳"), 16);

        Assert.Equal(new PinyinKey("iphone15shoujike", "iphone15sjk"), keys[0]);
    }

    [Fact]
    public void Keys_TraditionalInputAfterNormalization_SameAsSimplified()
    {
        Assert.Equal(Converter.Keys("连衣裙", 16), Converter.Keys(QueryNormalizer.Normalize("連衣裙"), 16));
    }

    [Fact]
    public void Keys_Umlaut_WrittenAsV()
    {
        Assert.Equal("lv", Converter.Keys("绿", 16)[0].Full);
        Assert.Equal("nv", Converter.Keys("女", 16)[0].Full);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ,.!")]
    public void Keys_NothingToRead_Empty(string text)
    {
        Assert.Empty(Converter.Keys(text, 16));
    }

    [Fact]
    public void Keys_TwelvePolyphones_ExactlyMaxVariantsFirstAllPrimary()
    {
        var text = "重行长地乐调还得着重行长";
        var primary = string.Concat(text.EnumerateRunes().Select(r => Converter.Readings(r)[0]));
        Assert.All(text.EnumerateRunes(), r => Assert.True(Converter.Readings(r).Count > 1));

        var keys = Converter.Keys(text, 16);

        Assert.Equal(16, keys.Count);
        Assert.Equal(primary, keys[0].Full);
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void Keys_BestFirst_OneNonPrimaryReadingBeforeTwo()
    {
        var keys = Converter.Keys("重行", 16);
        var zhong = Converter.Readings(new Rune('重'));
        var xing = Converter.Readings(new Rune('行'));

        Assert.Equal(zhong.Count * xing.Count, keys.Count);
        var nonPrimary = keys.Select(k => (k.Full.StartsWith(zhong[0], StringComparison.Ordinal) ? 0 : 1)
            + (k.Full.EndsWith(xing[0], StringComparison.Ordinal) ? 0 : 1)).ToList();
        Assert.Equal(nonPrimary.Order(), nonPrimary);
    }

    [Fact]
    public void Keys_AnyHanziString_FullIsOneReadingPerHanziAndInitialsTheirFirstLetters()
    {
        Gen.Char[Hanzi].Array[1, 8].Select(a => new string(a)).Sample(text =>
        {
            var runes = text.EnumerateRunes().ToArray();
            foreach (var key in Converter.Keys(text, 16))
            {
                Assert.True(Matches(runes, 0, key.Full, 0, key.Initials), $"{text}: {key}");
            }
        });
    }

    [Fact]
    public void Keys_AnyHanziString_DistinctAndWithinBound()
    {
        Gen.Select(Gen.Char[Hanzi].Array[1, 10].Select(a => new string(a)), Gen.Int[1, 20]).Sample((text, max) =>
        {
            var keys = Converter.Keys(text, max);
            Assert.InRange(keys.Count, 1, max);
            Assert.Equal(keys.Count, keys.Distinct().Count());
        });
    }

    [Fact]
    public void Keys_LongMixedText_DoesNotThrow()
    {
        var text = string.Concat(Enumerable.Repeat("重行 abc 1 长", 60));

        var keys = Converter.Keys(text, 16);

        Assert.Equal(16, keys.Count);
    }

    [Fact]
    public void Readings_NotHanzi_Empty()
    {
        Assert.Empty(Converter.Readings(new Rune('a')));
        Assert.False(Converter.IsHanzi(new Rune('a')));
        Assert.True(Converter.IsHanzi(new Rune('连')));
    }

    [Fact]
    public void Readings_SupplementaryPlaneHanzi_Found()
    {
        // U+20000 (CJK Extension B) has a kHanyuPinyin reading.
        Assert.NotEmpty(Converter.Readings(new Rune(0x20000)));
    }

    /// <summary>Does some choice of one reading per rune spell both <paramref name="full"/> and <paramref name="initials"/>?</summary>
    private static bool Matches(Rune[] runes, int i, string full, int f, string initials, int n = 0)
    {
        if (i == runes.Length)
        {
            return f == full.Length && n == initials.Length;
        }

        foreach (var reading in Converter.Readings(runes[i]))
        {
            if (string.CompareOrdinal(full, f, reading, 0, reading.Length) == 0 && f + reading.Length <= full.Length
                && n < initials.Length && initials[n] == reading[0]
                && Matches(runes, i + 1, full, f + reading.Length, initials, n + 1))
            {
                return true;
            }
        }

        return false;
    }
}
