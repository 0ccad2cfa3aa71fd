using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;

namespace QueryRec.UnitTests.Serving.Rerank;

public sealed class SuggestContextFilterTests
{
    [Theory]
    [InlineData(2.0)]
    [InlineData(-2.0)]
    [InlineData(0.0)]
    public async Task BoostMode_LowersAnOutsideScoreWhateverItsSign(double score)
    {
        var inside = new Candidate("in") { Score = score, TopCategories = ["shoes"] };
        var outside = new Candidate("out") { Score = score, TopCategories = ["hats"] };

        await SuggestContextFilter.MarkAsync([inside, outside], ["shoes"], snapshot: null, CategoryFilterMode.Boost, 0.3, CancellationToken.None);

        Assert.Equal(score, inside.Score);
        Assert.False(inside.ContextFill);
        Assert.True(outside.ContextFill);
        Assert.True(outside.Score <= inside.Score);
        Assert.Equal(score == 0, outside.Score == inside.Score);
    }
}
