namespace QueryRec.Indexer.Build;

/// <summary>
/// What searchers did after each query of the log, as evidence that a query failed them where a near spelling of it
/// did not: the wider misspelling rule of <see cref="Misspellings"/> (a hanzi dropped or replaced by any other, any
/// letter of a short word) folds a query only on this evidence, because text alone cannot tell 蓝牙耳 (a typo of
/// 蓝牙耳机) from 消毒柜 (a product beside 消毒碗柜).
/// </summary>
/// <remarks>
/// A query <c>t</c> failed beside a near spelling <c>c</c> when any of these holds:
/// <list type="bullet">
/// <item><b>results:</b> both have searches with a known result count, and <c>t</c> found nothing in at least a
/// quarter of its searches while <c>c</c> almost never did (at most 1 in 20), or <c>t</c> found on average at most
/// 1/ratio of what <c>c</c> found;</item>
/// <item><b>engagement:</b> at <c>c</c>'s rate of clicks, carts and orders per search, <c>t</c>'s searches should
/// have been engaged at least <see cref="MinExpectedEngagements"/> times, and were engaged at most 1/ratio of that;</item>
/// <item><b>corrected in the session:</b> at least a quarter of <c>t</c>'s searches were followed in their session
/// by <c>c</c>, and <c>t</c> was engaged at most 1/ratio as often as <c>c</c>'s rate predicts. A real product a
/// shopper narrows to its neighbour (消毒柜 → 消毒碗柜) was clicked first, so it does not count.</item>
/// </list>
/// A log without results or actions (a plain query list) gives no evidence, and the wider rule then folds nothing.
/// </remarks>
internal sealed class SearchOutcomes
{
    /// <summary>Least engagements that <c>c</c>'s rate must predict for <c>t</c> before their absence counts.</summary>
    public const double MinExpectedEngagements = 3;

    /// <summary>Least share of <c>t</c>'s searches that returned no result for the zero-result evidence.</summary>
    public const double MinZeroShare = 0.25;

    /// <summary>Most share of <c>c</c>'s searches that returned no result for the zero-result evidence.</summary>
    public const double MaxCorrectZeroShare = 0.05;

    /// <summary>Least share of <c>t</c>'s searches followed by <c>c</c> in their session.</summary>
    public const double MinCorrectedShare = 0.25;

    private readonly IReadOnlyList<Outcome> _outcomes;
    private readonly Func<int, int, int> _followedBy;

    /// <param name="outcomes">Per query (aligned with the texts given to <see cref="Misspellings.Find"/>).</param>
    /// <param name="followedBy">Sessions in which query <c>t</c> was followed by query <c>c</c> (indexes as above).</param>
    public SearchOutcomes(IReadOnlyList<Outcome> outcomes, Func<int, int, int> followedBy)
    {
        _outcomes = outcomes;
        _followedBy = followedBy;
    }

    /// <summary>One query's searches and what followed them.</summary>
    /// <param name="Searches">Final searches.</param>
    /// <param name="Engaged">Clicks, carts and orders after them.</param>
    /// <param name="KnownResults">Searches with a known result count.</param>
    /// <param name="ZeroResults">Of those, searches that found nothing.</param>
    /// <param name="ResultsSum">Σ results over the searches with a known count.</param>
    public readonly record struct Outcome(long Searches, long Engaged, long KnownResults, long ZeroResults, long ResultsSum);

    /// <summary>True when the searches of query <paramref name="t"/> failed where those of <paramref name="c"/> did not.</summary>
    public bool Failed(int t, int c, double ratio)
    {
        var typo = _outcomes[t];
        var correct = _outcomes[c];
        if (typo.Searches <= 0 || correct.Searches <= 0)
        {
            return false;
        }

        if (typo.KnownResults > 0 && correct.KnownResults > 0)
        {
            var typoZero = (double)typo.ZeroResults / typo.KnownResults;
            var correctZero = (double)correct.ZeroResults / correct.KnownResults;
            var typoMean = (double)typo.ResultsSum / typo.KnownResults;
            var correctMean = (double)correct.ResultsSum / correct.KnownResults;
            if ((typoZero >= MinZeroShare && correctZero <= MaxCorrectZeroShare) || (correctMean > 0 && typoMean * ratio <= correctMean))
            {
                return true;
            }
        }

        var expected = typo.Searches * ((double)correct.Engaged / correct.Searches);
        var unengaged = typo.Engaged * ratio <= expected;
        if (unengaged && expected >= MinExpectedEngagements)
        {
            return true;
        }

        return unengaged && _followedBy(t, c) >= Math.Max(1, MinCorrectedShare * typo.Searches);
    }
}
