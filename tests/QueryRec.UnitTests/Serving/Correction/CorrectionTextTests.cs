using QueryRec.Core.Matching;
using QueryRec.Serving.Correction;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Serving.Correction;

/// <summary>The text rules of correction that need no index: spelling variants, broader forms, folded forms, confidence.</summary>
public sealed class CorrectionTextTests
{
    [Fact]
    public void SpacingVariants_JoinedQuery_IncludesTheSplitAtTheDigitBoundary()
        => Assert.Contains("iphone 15", SpacingVariants.Of("iphone15", 16));

    [Fact]
    public void SpacingVariants_TwoWords_IncludesThemJoined()
        => Assert.Contains("blackops", SpacingVariants.Of("black ops", 16));

    [Fact]
    public void SpacingVariants_LongWord_IncludesItsSplitsWithThreeLettersASide()
    {
        var variants = SpacingVariants.Of("blackops", 16);

        Assert.Contains("black ops", variants);
        Assert.DoesNotContain("bl ackops", variants);
    }

    [Fact]
    public void SpacingVariants_AreBoundedAndNeverTheQuery()
    {
        var variants = SpacingVariants.Of("abcdefghijklmnopqrstuvwxyz", 5);

        Assert.Equal(5, variants.Count);
        Assert.DoesNotContain("abcdefghijklmnopqrstuvwxyz", variants);
    }

    [Fact]
    public void Relaxations_EachWordLeftOut()
        => Assert.Equal(["15 case", "iphone case", "iphone 15"], Relaxations.Of("iphone 15 case"));

    [Fact]
    public void Relaxations_TrailingHanziCutWhileTwoRemain()
        => Assert.Equal(["华为手机", "华为手"], Relaxations.Of("华为手机壳"));

    [Fact]
    public void Relaxations_TwoHanzi_None()
        => Assert.Empty(Relaxations.Of("手机"));

    [Theory]
    [InlineData("ｉｐｈｏｎｅ", true)]
    [InlineData("iphone\u300015", true)]
    [InlineData("連衣裙", true)]
    [InlineData("iPhone 15", false)] // case alone is not a form
    [InlineData("连衣裙", false)]
    public void HasFoldedForm(string raw, bool expected)
        => Assert.Equal(expected, FormCorrection.HasFoldedForm(raw));

    [Fact]
    public void Confidence_AClearOneEditTypo_IsTheKindsCertainty()
    {
        var candidate = new CorrectionCandidate("headphones", new QueryEdit(QueryEditKind.Typo, 1), new QueryStats { Count = 400 });

        Assert.Equal(0.9, QueryCorrector.Confidence(candidate, queryCount: 0, bestWeight: 400, secondWeight: 0), 6);
    }

    [Fact]
    public void Confidence_ARunnerUpAsPopular_CostsAQuarter()
    {
        var candidate = new CorrectionCandidate("headphones", new QueryEdit(QueryEditKind.Typo, 1), new QueryStats { Count = 400 });

        Assert.Equal(0.9 * 0.75, QueryCorrector.Confidence(candidate, queryCount: 0, bestWeight: 400, secondWeight: 400), 6);
    }

    [Fact]
    public void Confidence_AMinedPairSeenTwiceByEveryReformulation_IsCertain()
    {
        var mined = new QueryCorrection { Text = "headphones", Sessions = 2, SourceSessions = 2 };
        var candidate = new CorrectionCandidate("headphones", new QueryEdit(QueryEditKind.Typo, 2), new QueryStats { Count = 400 }, mined);

        Assert.Equal(1.0, QueryCorrector.Confidence(candidate, queryCount: 2, bestWeight: 1600, secondWeight: 0), 6);
    }
}
