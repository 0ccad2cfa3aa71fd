using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Ranking;

/// <summary>Weights of the heuristic scorer. Section <c>QueryRec:Ranking:Heuristic</c>.</summary>
public sealed class HeuristicRankingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Ranking:Heuristic";

    /// <summary>Weight of the user's own past search of the candidate (times the recency decay).</summary>
    [Range(0.0, 100.0)]
    public double HistoryWeight { get; set; } = 1.5;

    /// <summary>Half-life of the history recency decay: a search this old counts half.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan HistoryHalfLife { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Weight of the real-time trend (submissions in the window, over the most submitted query's).</summary>
    [Range(0.0, 100.0)]
    public double TrendingWeight { get; set; } = 0.5;

    /// <summary>Caps the trend term: a normalized recent count above this counts as this.</summary>
    [Range(0.0, 1.0)]
    public double TrendingCap { get; set; } = 1.0;

    /// <summary>Multiplies the popularity of pinyin matches (full, initials, mixed); prefix matches count 1.</summary>
    [Range(0.0, 10.0)]
    public double PinyinWeight { get; set; } = 1.0;

    /// <summary>Multiplies the popularity of word-start infix matches.</summary>
    [Range(0.0, 10.0)]
    public double InfixWeight { get; set; } = 0.8;

    /// <summary>Multiplies the popularity of any-order infix matches.</summary>
    [Range(0.0, 10.0)]
    public double AnyOrderInfixWeight { get; set; } = 0.6;

    /// <summary>Multiplies the popularity of homophone corrections.</summary>
    [Range(0.0, 10.0)]
    public double HomophoneWeight { get; set; } = 0.8;

    /// <summary>Multiplies the popularity of one-edit typo corrections; each further edit multiplies by <see cref="FuzzyEditDecay"/>.</summary>
    [Range(0.0, 10.0)]
    public double FuzzyWeight { get; set; } = 0.6;

    /// <summary>The factor per edit beyond the first of a typo correction.</summary>
    [Range(0.0, 1.0)]
    public double FuzzyEditDecay { get; set; } = 0.5;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="HeuristicRankingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class HeuristicRankingOptionsValidator : IValidateOptions<HeuristicRankingOptions>;

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
