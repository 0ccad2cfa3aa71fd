using Microsoft.Extensions.Options;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Events;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Index;
using QueryRec.Serving.Suggest;

namespace QueryRec.Serving.Strategies;

/// <summary>A named strategy; the name is reported in <c>ResponseMetadata.strategy</c>.</summary>
internal interface IStrategy
{
    string Name { get; }
}

/// <summary>The outcome of one recall plan: the items to show and why the answer is degraded, if it is.</summary>
internal sealed record PlanResult(IReadOnlyList<Candidate> Items, IReadOnlyList<string> DegradedReasons);

/// <summary>
/// Recall sources plus rerank steps: the unit every browse strategy composes. Recall runs concurrently within the
/// budget (<see cref="RecallRunner"/>), the heuristic scorer scores, then the steps run in order.
/// </summary>
internal sealed class RecallPlan(IReadOnlyList<IRecallSource<BrowseContext>> sources, IReadOnlyList<IRerankStep> steps)
{
    public async Task<PlanResult> RunAsync(
        BrowseContext context,
        int limit,
        string strategy,
        TimeSpan budget,
        HeuristicScorer scorer,
        TimeProvider timeProvider,
        ILogger logger,
        string rpc,
        CancellationToken cancellationToken)
    {
        var recall = await RecallRunner.RunAsync(sources, context, budget, timeProvider, logger, rpc, cancellationToken);
        using (QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Rank))
        {
            scorer.Score(recall.Candidates, context.Now, 1, context.Call.Arms?.Heuristic);
        }

        var state = new RerankState(context, limit);
        List<Candidate> items;
        using (var rerank = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Rerank))
        {
            items = await RerankPipeline.RunAsync(steps, [.. recall.Candidates], state, logger, strategy, cancellationToken);
            rerank?.SetTag(QueryRecTelemetry.Attributes.Candidates, items.Count);
        }

        return new PlanResult(items, [.. recall.DegradedReasons, .. state.DegradedReasons]);
    }
}

/// <summary>A Discover strategy: the sections it offers (kind → title and plan) and those shown when none are asked for.</summary>
internal sealed class DiscoverStrategy(string name, IReadOnlyList<(SectionKind Kind, string Title, RecallPlan Plan)> sections) : IStrategy
{
    public string Name { get; } = name;

    /// <summary>The sections in display order; all are shown when the request selects none.</summary>
    public IReadOnlyList<(SectionKind Kind, string Title, RecallPlan Plan)> Sections { get; } = sections;

    public bool Offers(SectionKind kind) => Sections.Any(s => s.Kind == kind);
}

/// <summary>A GetShadingWords strategy: one plan whose steps end with fatigue, rotation and limit.</summary>
internal sealed class ShadingWordsStrategy(string name, RecallPlan plan) : IStrategy
{
    public string Name { get; } = name;

    public RecallPlan Plan { get; } = plan;
}

/// <summary>
/// Chooses a strategy by (RPC, stage, scene). Strategies are built once from shared sources and steps; sources and
/// steps read the call's <see cref="StrategyOptions"/> from its <see cref="BrowseContext"/>, taken once per call
/// (experiment arms' or the configured ones, hot-reloaded).
/// </summary>
internal sealed class StrategyRegistry
{
    public const string SuggestStrategy = "suggest-v1";

    private readonly DiscoverStrategy _beforeSearch;
    private readonly DiscoverStrategy _browsing;
    private readonly ShadingWordsStrategy _shading;
    private readonly ShadingWordsStrategy _shadingCategory;

    public StrategyRegistry(Reranker reranker)
    {
        // Discover: drop what the user searched and the page's own query, filter, order, spread categories, cut.
        IRerankStep[] discoverSteps =
        [
            new ExcludeRecentQueries(),
            new ExcludeContextQuery(),
            new DropZeroResultAndBlacklisted(reranker),
            new OrderByScore(),
            new MmrByCategory(static o => o.MmrLambda),
            new Limit(),
        ];
        RecallPlan Discover(params IRecallSource<BrowseContext>[] sources) => new(sources, discoverSteps);

        var pins = new Pins(static o => o.Pins);
        var personalQueries = new RelatedOfRecentQueries(static o => o.PersonalSeedQueries);
        var personalItems = new QueriesOfViewedItems(static o => o.PersonalSeedItems);
        _beforeSearch = new DiscoverStrategy("discover-before-search-v1",
        [
            (SectionKind.Personal, "Guess what you want", Discover(personalQueries, personalItems)),
            (SectionKind.Hot, "Everyone is searching", Discover(new HotQueries(CategoryScope.ContextOrGlobal), new TrendingList(CategoryScope.ContextOrGlobal))),
        ]);
        _browsing = new DiscoverStrategy("discover-browsing-v1",
        [
            (SectionKind.Related, "Related searches", Discover(new RelatedOfQuery())),
            (SectionKind.Refine, "Narrow your search", Discover(new RefinementsOfQuery())),
            (SectionKind.ClickBack, "People who viewed this searched", Discover(new ClickBackOfItem())),
        ]);

        // Shading words: nothing the user just searched, no echo of the page query, filter, order, spread
        // categories, fatigue, rotation, cut.
        IRerankStep[] shadingSteps =
        [
            new ExcludeRecentQueries(),
            new ExcludeContextQuery(),
            new DropZeroResultAndBlacklisted(reranker),
            new BoostSources([Source.Q2Q, Source.I2Q], static o => o.ShadingPersonalWeight),
            new OrderByScore(),
            new MmrByCategory(static o => o.MmrLambda),
            new DailyExposureCap(static o => o.ShadingDailyExposureCap),
            new RotateByTimeSlot(static o => TimeSpan.FromSeconds(o.RotationIntervalSeconds), static o => o.RotationPoolFactor),
            new Limit(),
        ];
        _shading = new ShadingWordsStrategy("shading-words-v1", new RecallPlan(
            [personalQueries, personalItems, new HotQueries(CategoryScope.ContextOnly), new HotQueries(CategoryScope.Global), pins],
            shadingSteps));
        _shadingCategory = new ShadingWordsStrategy("shading-words-category-v1", new RecallPlan(
            [new HotQueries(CategoryScope.ContextOrGlobal), pins],
            shadingSteps));
    }

    /// <summary>The Discover strategy of a stage, null when Discover does not serve it.</summary>
    public DiscoverStrategy? Discover(Stage stage, Scene scene) => stage switch
    {
        Stage.BeforeSearch => _beforeSearch,
        Stage.Browsing => _browsing,
        _ => null,
    };

    /// <summary>
    /// The shading-words strategy: a category page with a category id shows that category's words only; every other
    /// page mixes the user's words, the context category's, global hot and pins.
    /// </summary>
    public ShadingWordsStrategy ShadingWords(Stage stage, Scene scene, string category)
        => scene == Scene.Category && category.Length > 0 ? _shadingCategory : _shading;
}
