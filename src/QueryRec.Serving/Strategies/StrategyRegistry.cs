using QueryRec.Contracts.V1;
using QueryRec.Serving.Correction;
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

    public StrategyRegistry(Reranker reranker, LastGoodLists lastGood, QueryCorrector corrector)
    {
        // Discover: drop what the user searched and the page's own query, filter, order, spread categories, cut.
        IRerankStep<BrowseContext>[] discoverSteps =
        [
            new ExcludeRecentQueries(),
            new ExcludeContextQuery(),
            new DropZeroResultAndBlacklisted(reranker),
            new OrderByScore(),
            new MmrByCategory(static o => o.MmrLambda),
            new Limit<BrowseContext>(),
        ];
        RecallPlan Discover(params IRecallSource<BrowseContext>[] sources) => new(sources, discoverSteps);

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
            (SectionKind.Related, "Related searches", Discover(new RelatedOfQuery())),
            (SectionKind.Refine, "Narrow your search", Discover(new RefinementsOfQuery())),
            (SectionKind.ClickBack, "People who viewed this searched", Discover(new ClickBackOfItem())),
        ]);

        // Shading words: nothing the user just searched, no echo of the page query, filter, order, spread
        // categories, fatigue, rotation, cut.
        IRerankStep<BrowseContext>[] shadingSteps =
        [
            new ExcludeRecentQueries(),
            new ExcludeContextQuery(),
            new DropZeroResultAndBlacklisted(reranker),
            new BoostSources([Source.Q2Q, Source.I2Q], static o => o.ShadingPersonalWeight),
            new OrderByScore(),
            new MmrByCategory(static o => o.MmrLambda),
            new DailyExposureCap(static o => o.ShadingDailyExposureCap),
            new RotateByTimeSlot(static o => TimeSpan.FromSeconds(o.RotationIntervalSeconds), static o => o.RotationPoolFactor),
            new Limit<BrowseContext>(),
        ];
        _shading = new ShadingWordsStrategy("shading-words-v1", new RecallPlan(
            [personalQueries, personalItems, new HotQueries(CategoryScope.ContextOnly, lastGood), new HotQueries(CategoryScope.Global, lastGood), pins],
            shadingSteps));
        _shadingCategory = new ShadingWordsStrategy("shading-words-category-v1", new RecallPlan(
            [new HotQueries(CategoryScope.ContextOrGlobal, lastGood), pins],
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
