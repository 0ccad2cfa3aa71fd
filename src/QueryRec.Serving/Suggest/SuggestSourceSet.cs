using Microsoft.Extensions.Options;
using QueryRec.Serving.Recall;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Suggest;

/// <summary>The recall sources of one set of matching options: the first round and the fallback round.</summary>
internal sealed class SuggestSourceSet(IRealtimeStore realtimeStore, IOptionsMonitor<TrendingOptions> trendingOptions, MatchingOptions matching, int historyMax)
{
    private IRecallSource<SuggestContext>[]? _fallback;

    public IRecallSource<SuggestContext>[] First { get; } =
    [
        new PrefixTableSource(),
        new RecentQueriesSource(realtimeStore, historyMax),
        new TrendingSource(trendingOptions),
        new PinyinSource(matching),
        new InfixSource(matching),
    ];

    /// <summary>The matching options these sources were built from (the rerank reads the literal-first ratio).</summary>
    public MatchingOptions Matching => matching;

    public FuzzySource Fuzzy { get; } = new(matching);

    public HomophoneSource Homophone { get; } = new(matching);

    public AnyOrderInfixSource AnyOrder { get; } = new(matching);

    /// <summary>The fallback round: runs only when the first round's exact recall is thin.</summary>
    public IRecallSource<SuggestContext>[] Fallback => _fallback ??= [Homophone, AnyOrder, Fuzzy];

    /// <summary>True when some fallback source would look anything up for <paramref name="context"/>.</summary>
    public bool FallbackApplies(SuggestContext context)
        => Homophone.Applies(context) || AnyOrder.Applies(context) || Fuzzy.Applies(context);
}
