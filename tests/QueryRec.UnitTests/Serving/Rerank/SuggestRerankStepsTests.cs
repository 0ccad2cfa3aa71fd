using Microsoft.Extensions.Logging.Abstractions;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Suggest;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Rerank;

/// <summary>Suggest's rerank as steps of the shared mechanism: the order they run in, what each keeps, and a failing step.</summary>
public sealed class SuggestRerankStepsTests
{
    private static readonly int Width = QueryRec.Core.Ranking.FeatureSchema.Count;

    private static Candidate Make(string text, double score, MatchKind match = MatchKind.Prefix, string category = "")
    {
        var candidate = new Candidate(text) { Score = score, CategoryHint = category, TopCategories = category.Length == 0 ? [] : [category] };
        candidate.Features.MatchType = match;
        return candidate;
    }

    private static Reranker RerankerWith(params string[] blacklist)
    {
        var options = new RerankOptions();
        foreach (var entry in blacklist)
        {
            options.Blacklist.Add(entry);
        }

        return new Reranker(new FixedOptionsMonitor<RerankOptions>(options));
    }

    private static RerankState<SuggestRerankContext> State(int limit, IReadOnlyList<string>? filters = null, CategoryFilterMode mode = CategoryFilterMode.Filter, LoggedRanking? logged = null)
        => new(new SuggestRerankContext(filters ?? [], null, new SuggestOptions { CategoryFilter = mode }, logged), limit, new CallScope(DateTime.MaxValue, TimeProvider.System));

    private static Candidate WithPopularity(string text, double score, double popularity)
    {
        var candidate = Make(text, score);
        candidate.Features.Popularity = popularity;
        return candidate;
    }

    /// <summary>A call whose index version folded "smart watch" into "smartwatch".</summary>
    private static RerankState<SuggestRerankContext> FoldedState()
        => new(
            new SuggestRerankContext([], null, new SuggestOptions(), null) { NearKeys = new([new("smart watch", "smartwatch", "smartwatch")]) },
            limit: 10,
            new CallScope(DateTime.MaxValue, TimeProvider.System));

    private static ValueTask<List<Candidate>> RunAsync(IReadOnlyList<IRerankStep<SuggestRerankContext>> steps, List<Candidate> candidates, RerankState<SuggestRerankContext> state)
        => RerankPipeline.RunAsync(steps, candidates, state, NullLogger.Instance, "suggest-v1", CancellationToken.None, spanPerStep: false);

    [Fact]
    public async Task Steps_OrderByTierThenScore_DropBlacklisted_AndCutToTheLimit()
    {
        var steps = SuggestRerankSteps.Create(RerankerWith("bad"), featureLog: null);
        List<Candidate> candidates =
        [
            Make("fuzzy best", 9, MatchKind.Fuzzy),
            Make("infix", 8, MatchKind.Infix),
            Make("exact low", 1),
            Make("bad word", 50),
            Make("exact high", 5),
        ];

        var shown = await RunAsync(steps, candidates, State(limit: 3));

        // An exact match outranks any infix or fuzzy one whatever the score; the blacklisted one is gone.
        Assert.Equal(["exact high", "exact low", "infix"], shown.Select(static c => c.Text));
    }

    [Fact]
    public async Task Steps_FoldNearDuplicates_BeforeTheLimit_SoTheLimitIsStillFilled()
    {
        var steps = SuggestRerankSteps.Create(RerankerWith(), featureLog: null);
        List<Candidate> candidates = [Make("iphone 15", 9), Make("iphone15", 8), Make("ipad", 7), Make("ipod", 6)];

        var shown = await RunAsync(steps, candidates, State(limit: 3));

        Assert.Equal(["iphone 15", "ipad", "ipod"], shown.Select(static c => c.Text));
        Assert.Equal(1, shown[0].CollapsedVariants);
    }

    [Fact]
    public async Task Steps_FoldTheVersionsSpacingFolds_ShowingTheMorePopularForm()
    {
        var steps = SuggestRerankSteps.Create(RerankerWith(), featureLog: null);
        List<Candidate> candidates = [WithPopularity("smart watch", 9, 40), WithPopularity("smartwatch", 8, 60), Make("car pet", 7), Make("carpet", 6)];

        var shown = await RunAsync(steps, candidates, FoldedState());

        Assert.Equal(["smartwatch", "car pet", "carpet"], shown.Select(static c => c.DisplayText));
        Assert.Equal(1, shown[0].CollapsedVariants);
    }

    [Fact]
    public async Task Steps_SpacingFold_ShowTheSpellingFoldedInto_EvenWhenTheFoldedOneScoresHigher()
    {
        var steps = SuggestRerankSteps.Create(RerankerWith(), featureLog: null);

        var shown = await RunAsync(steps, [WithPopularity("smart watch", 9, 0.9), WithPopularity("smartwatch", 8, 0.5)], FoldedState());

        Assert.Equal("smartwatch", Assert.Single(shown).DisplayText);
    }

    [Fact]
    public async Task Steps_WithCategoryFilter_PutMatchingFirst_OthersOnlyFill()
    {
        var steps = SuggestRerankSteps.Create(RerankerWith(), featureLog: null);
        List<Candidate> candidates = [Make("tv stand", 9, category: "furniture"), Make("tv 55", 8, category: "tv"), Make("tv mount", 7, category: "furniture"), Make("tv 65", 6, category: "tv")];

        var shown = await RunAsync(steps, candidates, State(limit: 3, filters: ["tv"]));

        Assert.Equal(["tv 55", "tv 65", "tv stand"], shown.Select(static c => c.Text));
        Assert.Equal([false, false, true], shown.Select(static c => c.ContextFill));
    }

    [Fact]
    public async Task Steps_WithCategoryFilterInBoostMode_KeepRankOrderWithLoweredScores()
    {
        var steps = SuggestRerankSteps.Create(RerankerWith(), featureLog: null);
        List<Candidate> candidates = [Make("tv stand", 9, category: "furniture"), Make("tv 55", 4, category: "tv")];

        var shown = await RunAsync(steps, candidates, State(limit: 2, filters: ["tv"], mode: CategoryFilterMode.Boost));

        // 9 × 0.3 = 2.7 < 4: the outside candidate falls behind the matching one.
        Assert.Equal(["tv 55", "tv stand"], shown.Select(static c => c.Text));
        Assert.Equal(2.7, shown[1].Score, 9);
    }

    [Fact]
    public async Task FeatureLog_SeesTheWholeRankedList_BeforeTheFilterAndTheLimit_WithEachCandidatesOwnRow()
    {
        var log = new ListLog();
        var steps = SuggestRerankSteps.Create(RerankerWith(), log);
        var a = Make("a", 1, category: "x");
        var b = Make("b", 3, category: "y");
        var c = Make("c", 2, category: "x");
        List<Candidate> scoredOrder = [a, b, c];
        var batch = new float[3 * Width];
        for (var i = 0; i < 3; i++)
        {
            batch[i * Width] = 10 + i; // row i of the batch is the candidate at scoredOrder[i]
        }

        var logged = new LoggedRanking(new SuggestRequest { Prefix = "q", UserId = "u1" }, "q", new ResponseMetadata { RequestId = "r1", ModelVersion = "heuristic-v1" }, scoredOrder, batch);
        var shown = await RunAsync(steps, [a, b, c], State(limit: 1, filters: ["x"], logged: logged));

        Assert.Equal(["c"], shown.Select(static s => s.Text));
        var record = Assert.Single(log.Records);
        Assert.Equal(("r1", "q", "heuristic-v1"), (record.RequestId, record.NormalizedPrefix, record.ModelVersion));
        Assert.Matches("^[0-9a-f]{32}$", record.SubjectHash);
        Assert.DoesNotContain("u1", record.SubjectHash, StringComparison.Ordinal);
        Assert.Equal(["b", "c", "a"], record.Candidates.Select(static l => l.Text));
        Assert.Equal([11f, 12f, 10f], record.Candidates.Select(static l => l.Features[0]));
    }

    [Fact]
    public async Task FeatureLog_WithoutLoggedRows_RecordsNothing()
    {
        var log = new ListLog();

        _ = await RunAsync(SuggestRerankSteps.Create(RerankerWith(), log), [Make("a", 1)], State(limit: 5));

        Assert.Empty(log.Records);
    }

    [Fact]
    public async Task AFailingStep_IsSkipped_TheAnswerDegraded_AndTheOtherStepsRun()
    {
        IRerankStep<SuggestRerankContext>[] steps = [new Throwing(), new OrderByTierAndScore(RerankerWith()), new Limit<SuggestRerankContext>()];
        var state = State(limit: 1);

        var shown = await RunAsync(steps, [Make("low", 1), Make("high", 2)], state);

        Assert.Equal(["high"], shown.Select(static c => c.Text));
        Assert.Equal(["rerank_error:throwing"], state.DegradedReasons);
        Assert.Empty(state.Scope.Reasons());
    }

    private sealed class Throwing : IRerankStep<SuggestRerankContext>
    {
        public string Name => "throwing";

        public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<SuggestRerankContext> state, CancellationToken cancellationToken)
            => throw new InvalidOperationException("boom");
    }

    private sealed class ListLog : IRankingFeatureLog
    {
        public List<RankingFeatureRecord> Records { get; } = [];

        public void Record(RankingFeatureRecord record) => Records.Add(record);
    }
}
