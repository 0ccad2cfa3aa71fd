using System.Text;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;

namespace QueryRec.UnitTests.Serving.Recall;

public sealed class MatchInputTests
{
    [Theory]
    [InlineData("lian", "lian")]
    [InlineData("iphone 15", "iphone15")]
    [InlineData("l", "l")]
    [InlineData("iphone-15", "iphone15")]
    [InlineData("chongdianqi2.4a", "chongdianqi24a")]
    [InlineData("luosi m6-20", "luosim620")]
    public void TryLatinKey_LettersDigitsSpacesAndPunctuation_GivesTheJoinedKey(string input, string key)
    {
        Assert.True(MatchInput.TryLatinKey(input, out var actual));
        Assert.Equal(key, actual);
    }

    [Theory]
    [InlineData("123")]
    [InlineData("连yi")]
    [InlineData("2.4")]
    [InlineData("café")]
    public void TryLatinKey_NotLatinOrNoLetter_IsFalse(string input)
        => Assert.False(MatchInput.TryLatinKey(input, out _));

    [Theory]
    [InlineData("red dress", "dress", false, true)]
    [InlineData("reddress", "dress", false, false)]
    [InlineData("dress red", "dress", false, false)]
    [InlineData("dress red", "dress", true, true)]
    [InlineData("连衣裙长款", "长款", false, true)]
    public void StartsWordIn_WordStarts(string text, string part, bool allowStart, bool expected)
        => Assert.Equal(expected, MatchInput.StartsWordIn(text, part, allowStart));

    [Fact]
    public void Splits_FourHanzi_SplitsInTheMiddleOnly()
        => Assert.Equal([["长款", "连衣"]], AnyOrderInfixSource.Splits("长款连衣", 3));

    [Fact]
    public void Splits_SevenHanzi_TakesTheMostCentralSplitsFirstUpToTheBound()
    {
        var splits = AnyOrderInfixSource.Splits("一二三四五六七", 3);

        Assert.Equal(["一二三|四五六七", "一二三四|五六七", "一二|三四五六七"], splits.Select(static s => string.Join('|', s)));
    }

    [Theory]
    [InlineData("长款连")]
    [InlineData("dress")]
    [InlineData("长款ab")]
    public void Splits_OnePart_IsEmpty(string input)
        => Assert.Empty(AnyOrderInfixSource.Splits(input, 3));

    [Fact]
    public void Splits_Words_AreTheParts()
        => Assert.Equal([["dress", "red"]], AnyOrderInfixSource.Splits("dress red", 3));

    [Fact]
    public void IsHanzi_CjkIdeographs_AreHanziAndLatinIsNot()
    {
        Assert.True(MatchInput.IsHanzi(new Rune('连')));
        Assert.False(MatchInput.IsHanzi(new Rune('l')));
    }

    [Fact]
    public void CandidateMerge_ExactAndFuzzy_TakesTheExactTierAndItsReason()
    {
        var fuzzy = new Candidate("连衣裙") { Reason = Reason.TypoCorrected };
        fuzzy.Features.MatchType = MatchKind.Fuzzy;
        fuzzy.Features.EditDistance = 1;
        var exact = new Candidate("连衣裙") { Reason = Reason.PopularCompletion };

        fuzzy.Merge(exact);

        Assert.Equal(MatchTier.Exact, fuzzy.Features.Tier);
        Assert.Equal(0, fuzzy.Features.EditDistance);
        Assert.Equal(Reason.PopularCompletion, fuzzy.Reason);
    }

    [Fact]
    public void CandidateMerge_ExactThenFuzzy_KeepsTheExactReason()
    {
        var exact = new Candidate("连衣裙") { Reason = Reason.PopularCompletion };
        var fuzzy = new Candidate("连衣裙") { Reason = Reason.TypoCorrected };
        fuzzy.Features.MatchType = MatchKind.Fuzzy;

        exact.Merge(fuzzy);

        Assert.Equal((MatchKind.Prefix, Reason.PopularCompletion), (exact.Features.MatchType, exact.Reason));
    }

    [Fact]
    public void CandidateMerge_PrefixThenPinyin_KeepsPopularCompletion()
    {
        var prefix = new Candidate("iphone 15") { Reason = Reason.PopularCompletion };
        var pinyin = new Candidate("iphone 15") { Reason = Reason.PinyinMatch };
        pinyin.Features.MatchType = MatchKind.PinyinFull;

        prefix.Merge(pinyin);

        Assert.Equal(Reason.PopularCompletion, prefix.Reason);
    }

    [Fact]
    public void CandidateMerge_PinyinThenHistory_TakesSearchedBefore()
    {
        var pinyin = new Candidate("连衣裙") { Reason = Reason.PinyinMatch };
        pinyin.Features.MatchType = MatchKind.PinyinFull;
        var history = new Candidate("连衣裙") { Reason = Reason.SearchedBefore };

        pinyin.Merge(history);

        Assert.Equal(Reason.SearchedBefore, pinyin.Reason);
    }
}
