using Microsoft.Extensions.Options;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// The ranking used until a model is served:
/// <c>score = popularity + scale × (HistoryWeight × 0.5^(age / HistoryHalfLife) + TrendingWeight × min(TrendingCap, recentCount / maxRecentCount))</c>,
/// where <c>popularity</c> is first multiplied by the weight of the candidate's match type (prefix 1; pinyin, infix,
/// any-order infix, homophone and fuzzy from the options, fuzzy decaying per edit) and <c>scale</c> is the highest completion score among the candidates (1 when none came from the index). Dividing
/// by <c>scale</c> gives the normalized form <c>popularity / nodeMax + …</c>; keeping popularity units means a cold
/// start scores (and orders) exactly like MPC.
/// </summary>
internal sealed class HeuristicScorer(IOptionsMonitor<HeuristicRankingOptions> options)
{
    /// <summary>The model version reported while this scorer ranks.</summary>
    public const string ModelVersion = "heuristic-v1";

    /// <summary>Scores <paramref name="candidates"/> in place.</summary>
    /// <param name="armWeights">The weights of the caller's experiment arm when it overrides them; null: the configured ones.</param>
    public void Score(IReadOnlyList<Candidate> candidates, DateTimeOffset now, long maxRecentCount, HeuristicRankingOptions? armWeights)
    {
        var weights = armWeights ?? options.CurrentValue;
        var scale = 0.0;
        foreach (var c in candidates)
        {
            scale = Math.Max(scale, Math.Max(c.Features.PopularityMax, c.Features.Popularity));
        }

        if (scale <= 0)
        {
            scale = 1;
        }

        var halfLifeTicks = (double)weights.HistoryHalfLife.Ticks;
        foreach (var c in candidates)
        {
            var f = c.Features;
            var boost = 0.0;
            if (f.LastSearched is { } last)
            {
                var age = Math.Max(0, (now - last).Ticks);
                boost += weights.HistoryWeight * Math.Pow(0.5, age / halfLifeTicks);
            }

            if (f.RecentCount > 0 && maxRecentCount > 0)
            {
                boost += weights.TrendingWeight * Math.Min(weights.TrendingCap, (double)f.RecentCount / maxRecentCount);
            }

            var popularity = f.Popularity * MatchWeight(weights, f);
            c.Score = boost == 0 ? popularity : popularity + (scale * boost);
        }
    }

    /// <summary>The popularity multiplier of a candidate's match type.</summary>
    public static double MatchWeight(HeuristicRankingOptions weights, CandidateFeatures features) => features.MatchType switch
    {
        MatchKind.PinyinFull or MatchKind.PinyinInitials or MatchKind.PinyinMixed => weights.PinyinWeight,
        MatchKind.Infix => weights.InfixWeight,
        MatchKind.AnyOrderInfix => weights.AnyOrderInfixWeight,
        MatchKind.Homophone => weights.HomophoneWeight,
        MatchKind.Fuzzy => weights.FuzzyWeight * Math.Pow(weights.FuzzyEditDecay, Math.Max(0, features.EditDistance - 1)),
        _ => 1.0,
    };
}
