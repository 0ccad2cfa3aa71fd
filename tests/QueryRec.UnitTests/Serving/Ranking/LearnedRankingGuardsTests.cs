using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;

namespace QueryRec.UnitTests.Serving.Ranking;

public sealed class LearnedRankingGuardsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private static Candidate Make(string text, double score, TimeSpan? searchedAgo = null)
    {
        var candidate = new Candidate(text) { Score = score };
        candidate.Features.LastSearched = searchedAgo is { } ago ? Now - ago : null;
        return candidate;
    }

    [Fact]
    public void Signal_NoneWithoutRecentCountsHistoryOrSessionStrength()
    {
        Assert.False(LearnedRankingGuards.HasRealtimeSignal([Make("a", 1), Make("b", 2)]));
        Assert.False(LearnedRankingGuards.HasRealtimeSignal([]));
    }

    [Theory]
    [InlineData("recent")]
    [InlineData("history")]
    [InlineData("q2q")]
    [InlineData("i2q")]
    [InlineData("category")]
    public void Signal_AnyOneOfThemOnAnyCandidate_Counts(string signal)
    {
        var c = Make("b", 2);
        switch (signal)
        {
            case "recent": c.Features.RecentCount = 1; break;
            case "history": c.Features.LastSearched = Now.AddDays(-40); break;
            case "q2q": c.Features.Q2qStrength = 0.1; break;
            case "i2q": c.Features.I2qStrength = 0.1; break;
            default: c.Features.CategoryAffinity = 0.1; break;
        }

        Assert.True(LearnedRankingGuards.HasRealtimeSignal([Make("a", 1), c]));
    }

    [Fact]
    public void Lift_PutsOwnQueriesOfTheWindowAboveEveryOther_InTheModelsOrder()
    {
        var popular = Make("popular", 50);
        var older = Make("older own", -3, TimeSpan.FromHours(20));
        var newer = Make("newer own", -7, TimeSpan.FromMinutes(5));
        var stale = Make("stale own", 1, TimeSpan.FromHours(30));

        LearnedRankingGuards.LiftOwnRecentQueries([popular, older, newer, stale], Now, Day);

        Assert.Equal(["older own", "newer own", "popular", "stale own"], new[] { popular, older, newer, stale }.OrderByDescending(static c => c.Score).Select(static c => c.Text));
        Assert.Equal((50, 1), (popular.Score, stale.Score));

        // The lowest own query lands 1 above the top (50 + 1), the other keeps its distance of 4 to it.
        Assert.Equal((51, 55), (newer.Score, older.Score));
    }

    [Fact]
    public void Lift_WithoutOwnQueries_OrWithAZeroWindow_LeavesScores()
    {
        var a = Make("a", 3);
        var own = Make("own", 1, TimeSpan.FromMinutes(1));

        LearnedRankingGuards.LiftOwnRecentQueries([a, Make("b", 2)], Now, Day);
        LearnedRankingGuards.LiftOwnRecentQueries([a, own], Now, TimeSpan.Zero);

        Assert.Equal((3, 1), (a.Score, own.Score));
    }

    [Fact]
    public void Lift_OfATimestampAheadOfTheClock_CountsAsNow()
    {
        var ahead = Make("ahead", 0, TimeSpan.FromMinutes(-2));
        var other = Make("other", 10);

        LearnedRankingGuards.LiftOwnRecentQueries([ahead, other], Now, Day);

        Assert.Equal(11, ahead.Score); // 1 above the top
    }
}
