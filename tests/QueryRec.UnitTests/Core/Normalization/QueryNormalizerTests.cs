using System.Text;
using CsCheck;
using QueryRec.Core.Normalization;

namespace QueryRec.UnitTests.Core.Normalization;

public sealed class QueryNormalizerTests
{
    [Theory]
    [InlineData("Gears of War", "gears of war")]
    [InlineData("  gears   of\twar  ", "gears of war")]
    [InlineData("ＧＥＡＲＳ　ＯＦ　ＷＡＲ　３", "gears of war 3")] // full-width letters, digits and ideographic space
    [InlineData("iPhone\u200B15", "iphone15")] // zero-width space is a format character
    [InlineData("手机\u00A0壳", "手机 壳")] // no-break space
    [InlineData("Café", "café")]
    [InlineData("ﬁle", "file")] // NFKC ligature
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("\u0001\u0002", "")]
    public void Normalize_Input_ReturnsCanonicalForm(string? input, string expected)
    {
        Assert.Equal(expected, QueryNormalizer.Normalize(input));
    }

    // The odd code unit is passed as a number: xUnit would turn a lone surrogate in a string argument into U+FFFD.
    [Theory]
    [InlineData("lap", 0xFFFE, "top", "laptop")] // string.Normalize throws on U+FFFE and U+FFFF
    [InlineData("lap", 0xFFFF, "top", "laptop")]
    [InlineData("lap", 0xFDD0, "top", "laptop")]
    [InlineData("lap", 0xD800, "top", "laptop")] // lone high surrogate
    [InlineData("lap", 0xDC00, "top", "laptop")] // lone low surrogate
    [InlineData("Cafe", 0xFFFF, "\u0301", "café")] // dropped before NFKC, so the accent still composes
    [InlineData("手", 0xD83D, "机", "手机")]
    public void Normalize_LoneSurrogatesAndNoncharacters_AreDroppedNotThrown(string before, int codeUnit, string after, string expected)
    {
        var input = before + (char)codeUnit + after;

        Assert.Equal(expected, QueryNormalizer.Normalize(input));
        Assert.Equal(expected, QueryNormalizer.NormalizePrefix(input));
    }

    [Fact]
    public void Normalize_AnySequenceOfUtf16CodeUnits_NeverThrowsAndIsIdempotent()
    {
        Gen.Char.Array[0, 40].Select(static a => new string(a)).Sample(s =>
        {
            var once = QueryNormalizer.Normalize(s);
            Assert.Equal(once, QueryNormalizer.Normalize(once));
            QueryNormalizer.NormalizePrefix(s);
        });
    }

    [Theory]
    [InlineData("gears ", "gears ")]
    [InlineData("gears   ", "gears ")]
    [InlineData("  Gears", "gears")]
    [InlineData("   ", "")]
    public void NormalizePrefix_TrailingWhitespace_KeepsOneSpace(string input, string expected)
    {
        Assert.Equal(expected, QueryNormalizer.NormalizePrefix(input));
    }

    [Fact]
    public void Normalize_AnyString_IsIdempotent()
    {
        Gen.String.Sample(s =>
        {
            var once = QueryNormalizer.Normalize(s);
            Assert.Equal(once, QueryNormalizer.Normalize(once));
        });
    }

    [Fact]
    public void Normalize_AnyString_HasNoEdgeOrDoubleSpacesAndNoUpperCase()
    {
        Gen.String.Sample(s =>
        {
            var n = QueryNormalizer.Normalize(s);
            Assert.False(n.StartsWith(' ') || n.EndsWith(' '));
            Assert.DoesNotContain("  ", n, StringComparison.Ordinal);
            Assert.Equal(n, n.ToLowerInvariant());
            Assert.True(n.IsNormalized(NormalizationForm.FormKC) || n.Length == 0);
        });
    }

    [Fact]
    public void NormalizePrefix_AnyString_IsNormalizeOfItPlusAtMostOneSpace()
    {
        Gen.String.Sample(s =>
        {
            var prefix = QueryNormalizer.NormalizePrefix(s);
            var full = QueryNormalizer.Normalize(s);
            Assert.True(prefix == full || prefix == full + " ");
        });
    }

    [Fact]
    public void IndexedPrefixes_SurrogatePairs_NeverSplit()
    {
        var text = "a😀b"; // U+1F600 is a surrogate pair

        var prefixes = QueryNormalizer.IndexedPrefixes(text, 10).ToList();

        Assert.Equal(["a", "a😀", "a😀b"], prefixes);
    }

    [Fact]
    public void IndexedPrefixes_MaxRunes_StopsThere()
    {
        var prefixes = QueryNormalizer.IndexedPrefixes("手机壳透明", 3).ToList();

        Assert.Equal(["手", "手机", "手机壳"], prefixes);
    }

    [Fact]
    public void TruncateRunes_AnyString_IsAPrefixWithAtMostMaxRunes()
    {
        Gen.Select(Gen.String, Gen.Int[1, 40]).Sample((s, max) =>
        {
            var cut = QueryNormalizer.TruncateRunes(s, max);
            Assert.StartsWith(cut, s, StringComparison.Ordinal);
            Assert.True(cut.EnumerateRunes().Count() <= max);
            Assert.True(cut.Length == s.Length || cut.EnumerateRunes().Count() == max);
        });
    }
}
