using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class HeuristicMatchWeightTests
{
    private static readonly HeuristicRankingOptions Weights = new()
    {
        PinyinWeight = 0.9,
        InfixWeight = 0.7,
        AnyOrderInfixWeight = 0.5,
        HomophoneWeight = 0.4,
        FuzzyWeight = 0.3,
        FuzzyEditDecay = 0.5,
    };

    [Theory]
    [InlineData(nameof(MatchKind.Prefix), 0, 1.0)]
    [InlineData(nameof(MatchKind.PinyinFull), 0, 0.9)]
    [InlineData(nameof(MatchKind.PinyinInitials), 0, 0.9)]
    [InlineData(nameof(MatchKind.PinyinMixed), 0, 0.9)]
    [InlineData(nameof(MatchKind.Infix), 0, 0.7)]
    [InlineData(nameof(MatchKind.AnyOrderInfix), 0, 0.5)]
    [InlineData(nameof(MatchKind.Homophone), 1, 0.4)]
    [InlineData(nameof(MatchKind.Fuzzy), 1, 0.3)]
    [InlineData(nameof(MatchKind.Fuzzy), 2, 0.15)]
    public void MatchWeight_IsTheOptionOfTheMatchTypeDecayedPerExtraEdit(string kind, int edits, double expected)
    {
        var features = new CandidateFeatures { MatchType = Enum.Parse<MatchKind>(kind), EditDistance = edits };

        Assert.Equal(expected, HeuristicScorer.MatchWeight(Weights, features), 10);
    }
}
