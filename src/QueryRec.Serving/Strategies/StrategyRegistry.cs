using QueryRec.Contracts.V1;
using QueryRec.Serving.Correction;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;

namespace QueryRec.Serving.Strategies;

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

    public StrategyRegistry(Reranker reranker, LastGoodLists lastGood, DiscoveryModelHost discoveryModel, IEnumerable<IDiscoveryFeatureLog> discoveryLogs, QueryCorrector corrector)
    {
        // Discover: drop what the user searched and the page's own query (and its near-duplicates), filter, order, show
        // near-duplicates as one, spread categories, cut.
        var collapse = new CollapseNearDuplicates<BrowseContext>(static c => c.NearKeys, showFoldedInto: true);
        IRerankStep<BrowseContext>[] discoverSteps =
        [
            new ExcludeRecentQueries(),
            new ExcludeContextQuery(nearDuplicates: true),
            new DropZeroResultAndBlacklisted(reranker),
            new OrderByScore(),
            collapse,
            new MmrByCategory(static o => o.MmrLambda),
            new Limit<BrowseContext>(),
        ];
        RecallPlan Discover(params IRecallSource<BrowseContext>[] sources) => new(sources, discoverSteps);

        // RELATED and REFINE: the learned ranker (when a model serves) rescores the heuristic's order, then the same steps.
        IRerankStep<BrowseContext>[] rankedSteps =
        [
            .. discoverSteps[..4],
            new RankDiscovery(discoveryModel, discoveryLogs.FirstOrDefault()),
            .. discoverSteps[3..],
        ];
        RecallPlan Ranked(IRecallSource<BrowseContext> source) => new([source], rankedSteps);

        var pins = new Pins(static o => o.Pins);
        var personalQueries = new RelatedOfRecentQueries(static o => o.PersonalSeedQueries);
        var personalItems = new QueriesOfViewedItems(static o => o.PersonalSeedItems);
        // History: the caller's own searches as they are, newest first (nothing dropped: they are the user's own).
        var history = new RecallPlan([new HistoryOfCaller()], [new OrderByLastSearched(), new Limit<BrowseContext>()]);
        _beforeSearch = new DiscoverStrategy("discover-before-search-v1",
        [
            (SectionKind.History, "Recent searches", history),
            (SectionKind.Personal, "Guess what you want", Discover(personalQueries, personalItems)),
            (SectionKind.Hot, "Everyone is searching", Discover(new HotQueries(CategoryScope.ContextOrGlobal, lastGood), new TrendingList(CategoryScope.ContextOrGlobal, lastGood))),
        ]);
        // Alternatives of a zero-result query: never the query itself nor a zero-result query; the correction first.
        var alternatives = new RecallPlan(
            [new AlternativesOfQuery(corrector)],
            [new ExcludeContextQuery(), new DropZeroResultAndBlacklisted(reranker), new OrderByScore(), new Limit<BrowseContext>()]);
        _browsing = new DiscoverStrategy("discover-browsing-v1",
        [
            (SectionKind.Alternatives, "No results. Try instead", alternatives),
            (SectionKind.Related, "Related searches", Ranked(new RelatedOfQuery())),
            (SectionKind.Refine, "Narrow your search", Ranked(new RefinementsOfQuery())),
            (SectionKind.ClickBack, "People who viewed this searched", Discover(new ClickBackOfItem())),
        ]);

        // The exposure cap checks only the words the rotation can show.
        var rotate = new RotateByTimeSlot(static o => TimeSpan.FromSeconds(o.RotationIntervalSeconds), static o => o.RotationPoolFactor);

        // Shading words: nothing the user just searched, no echo of the page query, filter, order, near-duplicates as
        // one, spread categories, fatigue, rotation, cut.
        IRerankStep<BrowseContext>[] shadingSteps =
        [
            new ExcludeRecentQueries(),
            new ExcludeContextQuery(nearDuplicates: true),
            new DropZeroResultAndBlacklisted(reranker),
            new BoostSources([Source.Q2Q, Source.I2Q], static o => o.ShadingPersonalWeight),
            new OrderByScore(),
            collapse,
            new MmrByCategory(static o => o.MmrLambda),
            new DailyExposureCap(static o => o.ShadingDailyExposureCap, rotate.PoolSize),
            rotate,
            new Limit<BrowseContext>(),
        ];
        _shading = new ShadingWordsStrategy("shading-words-v1", new RecallPlan(
            [personalQueries, personalItems, new HotQueries(CategoryScope.ContextOnly, lastGood), new HotQueries(CategoryScope.Global, lastGood), pins],
            shadingSteps));
        _shadingCategory = new ShadingWordsStrategy("shading-words-category-v1", new RecallPlan(
            [new HotQueries(CategoryScope.ContextOrGlobal, lastGood), pins],
            shadingSteps));

        // Push: never what the subject searched within the window, filter, weigh each source, order, cool-down per
        // query, spread categories, cut (the handler has already cut the limit to the day's remaining cap).
        IRerankStep<BrowseContext>[] pushHead =
        [
            new ExcludeRecentQueries(static o => o.PushSearchedWithin),
            new DropZeroResultAndBlacklisted(reranker),
        ];
        IRerankStep<BrowseContext>[] pushTail =
        [
            new OrderByScore(),
            collapse,
            new PushCoolDown(),
            new MmrByCategory(static o => o.PushMmrLambda),
            new Limit<BrowseContext>(),
        ];
        Push = new PushStrategy(
            "push-v1",
            new RecallPlan(
                [RelatedOfRecentQueries.SessionNeighbours(static o => o.PersonalSeedQueries), RelatedOfRecentQueries.Refinements(static o => o.PersonalSeedQueries), new QueriesOfViewedItems(static o => o.PersonalSeedItems, skipOrdered: true), ListsOfInterests.Trending(lastGood), ListsOfInterests.Hot(lastGood)],
                [
                    .. pushHead,
                    new BoostSources([Source.Q2Q], static o => o.PushRelatedWeight),
                    new BoostSources([Source.Refine], static o => o.PushRefineWeight),
                    new BoostSources([Source.I2Q], static o => o.PushClickBackWeight),
                    new BoostSources([Source.Trending], static o => o.PushTrendingWeight),
                    new BoostSources([Source.CategoryHot], static o => o.PushCategoryHotWeight),
                    .. pushTail,
                ]),
            new RecallPlan([new HotQueries(CategoryScope.Global, lastGood)], [.. pushHead, .. pushTail]));
    }

    /// <summary>The GetPushQueries strategy (one for every subject; experiment arms change its options).</summary>
    public PushStrategy Push { get; }

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
