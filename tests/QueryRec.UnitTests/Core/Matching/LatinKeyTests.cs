using CsCheck;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;

namespace QueryRec.UnitTests.Core.Matching;

/// <summary>
/// The pinyin/Latin key on both sides: what the indexer writes (<see cref="PinyinConverter.Keys"/>) and what a typed
/// Latin input looks up (<see cref="LatinKey.TryCreate"/>) drop the same punctuation.
/// </summary>
public sealed class LatinKeyTests
{
    [Theory]
    [InlineData("充电器2.4a", "chongdianqi24a", "cdq24a")]
    [InlineData("螺丝 m6-20", "luosim620", "lsm620")]
    [InlineData("usb-c cable", "usbccable", "usbccable")]
    public void PinyinConverterKeys_PunctuationInsideLatinRuns_IsDropped(string text, string full, string initials)
    {
        var key = PinyinConverter.Default.Keys(QueryNormalizer.Normalize(text), 16)[0];

        Assert.Equal((full, initials), (key.Full, key.Initials));
    }

    [Theory]
    [InlineData("chongdianqi2.4a", "chongdianqi24a")]
    [InlineData("chongdianqi2 4a", "chongdianqi24a")]
    [InlineData("luosi m6-20", "luosim620")]
    [InlineData("usb-c", "usbc")]
    [InlineData("c++", "c")]
    [InlineData("levi's", "levis")]
    public void TryCreate_LatinWithPunctuation_DropsItAsTheIndexDoes(string typed, string key)
    {
        Assert.True(LatinKey.TryCreate(QueryNormalizer.NormalizePrefix(typed), out var actual));
        Assert.Equal(key, actual);
    }

    [Theory]
    [InlineData("连yi")]
    [InlineData("2.4")]
    [InlineData("naïve")]
    [InlineData("")]
    public void TryCreate_NotLatinOrNoLetter_IsFalse(string typed)
        => Assert.False(LatinKey.TryCreate(QueryNormalizer.NormalizePrefix(typed), out _));

    [Fact]
    public void TryCreate_AnyAsciiQuery_EqualsTheIndexedFullKey()
    {
        // Printable ASCII with at least one letter: the typed key of the whole query is the key the indexer writes.
        Gen.String[Gen.Char[' ', '~'], 1, 24]
            .Select(QueryNormalizer.Normalize)
            .Where(static t => t.Any(char.IsAsciiLetter))
            .Sample(static text =>
            {
                Assert.True(LatinKey.TryCreate(text, out var key));
                Assert.Equal(PinyinConverter.Default.Keys(text, 16)[0].Full, key);
            });
    }
}
