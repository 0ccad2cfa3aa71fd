using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Strategies;
using QueryRec.Storage.Realtime;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>The rerank steps on their own: MMR, rotation and limit (no host).</summary>
public sealed class RerankStepTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static RerankState<BrowseContext> State(int limit, DateTimeOffset now, string? subject = null, IRealtimeStore? store = null)
    {
        var call = RequestContext.Unbounded();
        return new(new BrowseContext(subject, null, "", "", "", store ?? new EmbeddedRealtimeStore(new RealtimeOptions(), TimeProvider.System), new StrategyOptions { HistoryMax = 0 }, call, now, CancellationToken.None), limit, call.Scope);
    }

    private static List<Candidate> Candidates(params (string Text, double Score, string Category)[] items)
        => items.Select(static i => new Candidate(i.Text) { Score = i.Score, CategoryHint = i.Category }).ToList();

    [Fact]
    public async Task Mmr_LambdaOne_KeepsScoreOrder_LowerLambdaSpreadsCategories()
    {
        var input = Candidates(("a", 1.0, "x"), ("b", 0.9, "x"), ("c", 0.5, "y"));

        var plain = await new MmrByCategory(_ => 1.0).ApplyAsync(input, State(3, Now), CancellationToken.None);
        var spread = await new MmrByCategory(_ => 0.5).ApplyAsync(input, State(3, Now), CancellationToken.None);

        Assert.Equal(["a", "b", "c"], plain.Select(static c => c.Text));
        Assert.Equal(["a", "c", "b"], spread.Select(static c => c.Text));
    }

    [Fact]
    public async Task Rotation_IsStableWithinASlot_AndVisitsTheWholePoolAcrossSlots()
    {
        var input = Candidates(("a", 4, ""), ("b", 3, ""), ("c", 2, ""), ("d", 1, ""));
        var step = new RotateByTimeSlot(_ => TimeSpan.FromSeconds(30), _ => 2);
        var firsts = new HashSet<string>(StringComparer.Ordinal);
        for (var slot = 0; slot < 4; slot++)
        {
            var at = Now.AddSeconds(30 * slot);
            var one = await step.ApplyAsync(input, State(2, at, "u:x"), CancellationToken.None);
            var again = await step.ApplyAsync(input, State(2, at.AddSeconds(29 - (at.ToUnixTimeSeconds() % 30)), "u:x"), CancellationToken.None);
            Assert.Equal(one.Select(static c => c.Text), again.Select(static c => c.Text));
            Assert.Equal(4, one.Count); // the pool is factor × limit, limit cuts later
            firsts.Add(one[0].Text);
            firsts.Add(one[1].Text);
        }

        Assert.Equal(4, firsts.Count);
    }

    [Fact]
    public async Task Limit_CutsToTheStateLimit()
    {
        var result = await new Limit<BrowseContext>().ApplyAsync(Candidates(("a", 1, ""), ("b", 1, "")), State(1, Now), CancellationToken.None);

        Assert.Equal("a", Assert.Single(result).Text);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(4, 3)]
    [InlineData(20, 3)]
    public async Task ExposureCap_KeepsTheFirstWordsUnderTheCap_AsManyAsTheLaterStepsRead(int limit, int poolFactor)
    {
        // 40 words; every third one (and a run of six from the 5th) was shown to the caller 3 times today.
        var store = new EmbeddedRealtimeStore(new RealtimeOptions(), TimeProvider.System);
        var words = Enumerable.Range(0, 40).Select(static i => $"w{i:00}").ToList();
        var capped = words.Where(static (_, i) => i % 3 == 2 || i is >= 5 and < 11).ToHashSet();
        await store.ApplyAsync([.. capped.SelectMany(w => Enumerable.Repeat(new RealtimeUpdate(RealtimeUpdateKind.Exposure, "u:x", w, Now), 3))]);
        var step = new DailyExposureCap(static _ => 3, (_, l) => poolFactor * l);

        var kept = await step.ApplyAsync(Candidates([.. words.Select(static (w, i) => (w, 40.0 - i, ""))]), State(limit, Now, "u:x", store), CancellationToken.None);

        var expected = words.Where(w => !capped.Contains(w)).Take(poolFactor * limit);
        Assert.Equal(expected, kept.Select(static c => c.Text));
        // Another day, nothing is capped.
        var tomorrow = await step.ApplyAsync(Candidates([.. words.Select(static (w, i) => (w, 40.0 - i, ""))]), State(limit, Now.AddDays(1), "u:x", store), CancellationToken.None);
        Assert.Equal(words.Take(poolFactor * limit), tomorrow.Select(static c => c.Text));
    }
}
