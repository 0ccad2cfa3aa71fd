using System.Text;
using CsCheck;
using QueryRec.Core.Normalization;

namespace QueryRec.UnitTests.Core.Normalization;

/// <summary>The matching rules of <see cref="QueryNormalizer"/>: punctuation, traditional to simplified, width and case.</summary>
public sealed class NormalizationTests
{
    /// <summary>ASCII printable characters, where the punctuation rules and width folding matter most.</summary>
    private static readonly Gen<string> Ascii = Gen.Char[' ', '~'].Array[0, 24].Select(a => new string(a));

    /// <summary>A mix of scripts and punctuation: ASCII, Latin-1, Greek, Cyrillic, hanzi (some traditional), CJK punctuation.</summary>
    private static readonly Gen<string> Mixed = Gen.Char[
        "aAzZ09 .-+#%&'/_*×,;:!?()[]ßÄäÉéıİſσςΣЖжё連衣裙连长款手機壳银行，。、【】《》～·‘’–—\u3000\u200B\u00A0\u0301"]
        .Array[0, 24].Select(a => new string(a));

    [Theory]
    [InlineData("ＩＰＨＯＮＥ１５", "iphone15")]
    [InlineData("連衣裙", "连衣裙")]
    [InlineData("iphone,15", "iphone 15")]
    [InlineData("连衣裙，长款", "连衣裙 长款")]
    [InlineData("【包邮】连衣裙!!", "包邮 连衣裙")]
    [InlineData("2.5 inch", "2.5 inch")]
    [InlineData("v1.0.", "v1.0")]
    [InlineData("wh-1000xm4", "wh-1000xm4")]
    [InlineData("WH–1000XM4", "wh-1000xm4")] // en dash folds to a hyphen
    [InlineData("- sale -", "sale")]
    [InlineData("levi’s 501", "levi's 501")] // typographic apostrophe
    [InlineData("'quoted'", "quoted")]
    [InlineData("c++ primer", "c++ primer")]
    [InlineData("c# in depth", "c# in depth")]
    [InlineData("#1 seller", "1 seller")]
    [InlineData("1+1", "1+1")]
    [InlineData("100% cotton", "100% cotton")]
    [InlineData("100 % cotton", "100 cotton")]
    [InlineData("at&t", "at&t")]
    [InlineData("usb/c", "usb/c")]
    [InlineData("a / b", "a b")]
    [InlineData("华为-p40", "华为 p40")] // joiners are kept only between word characters, not hanzi
    [InlineData("迈克尔·乔丹", "迈克尔 乔丹")]
    [InlineData("$99 shoes", "99 shoes")]
    [InlineData("保鲜袋6×8", "保鲜袋6*8")]
    [InlineData("20*15e", "20*15e")]
    [InlineData("a*b", "a b")]
    [InlineData("Σίσυφος", "σίσυφοσ")] // final sigma folds
    public void Normalize_MatchingRules_Apply(string input, string expected)
    {
        Assert.Equal(expected, QueryNormalizer.Normalize(input));
    }

    [Theory]
    [InlineData("wh-", "wh")] // still a prefix of "wh-1000xm4"
    [InlineData("2.", "2")]
    [InlineData("c+", "c+")]
    [InlineData("iphone,", "iphone ")] // a comma always separates
    [InlineData("iphone -", "iphone ")]
    [InlineData("连衣裙，", "连衣裙 ")]
    public void NormalizePrefix_TrailingPunctuation_SpaceOnlyWhenItSeparates(string input, string expected)
    {
        Assert.Equal(expected, QueryNormalizer.NormalizePrefix(input));
    }

    [Fact]
    public void Normalize_MixedScripts_IsIdempotent()
    {
        Mixed.Sample(s =>
        {
            var once = QueryNormalizer.Normalize(s);
            Assert.Equal(once, QueryNormalizer.Normalize(once));
        });
    }

    [Fact]
    public void NormalizePrefix_MixedScripts_IsIdempotent()
    {
        Mixed.Sample(s =>
        {
            var once = QueryNormalizer.NormalizePrefix(s);
            Assert.Equal(once, QueryNormalizer.NormalizePrefix(once));
        });
    }

    [Fact]
    public void Normalize_AsciiInFullWidth_SameAsAscii()
    {
        Ascii.Sample(s => Assert.Equal(QueryNormalizer.Normalize(s), QueryNormalizer.Normalize(ToFullWidth(s))));
    }

    [Fact]
    public void Normalize_UpperOrLowerCase_Same()
    {
        Mixed.Sample(s => Assert.Equal(
            QueryNormalizer.Normalize(s.ToUpperInvariant()), QueryNormalizer.Normalize(s.ToLowerInvariant())));
    }

    [Fact]
    public void Normalize_AnyString_KeepsOnlyRuleTablePunctuation()
    {
        Mixed.Sample(s =>
        {
            foreach (var rune in QueryNormalizer.Normalize(s).EnumerateRunes())
            {
                var category = Rune.GetUnicodeCategory(rune);
                var punctuationOrSymbol = category is >= System.Globalization.UnicodeCategory.ConnectorPunctuation
                    and <= System.Globalization.UnicodeCategory.OtherSymbol;
                Assert.True(!punctuationOrSymbol || ".-+#%&'/_*".Contains((char)rune.Value, StringComparison.Ordinal), $"{s} kept {rune}");
            }
        });
    }

    /// <summary>ASCII 0x21..0x7E to the full-width forms U+FF01..U+FF5E, space to the ideographic space.</summary>
    private static string ToFullWidth(string s) =>
        string.Concat(s.Select(c => c == ' ' ? '\u3000' : c is > ' ' and <= '~' ? (char)(c - 0x21 + 0xFF01) : c));
}
