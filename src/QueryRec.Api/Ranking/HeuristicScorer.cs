using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using QueryRec.Api.Recall;

namespace QueryRec.Api.Ranking;

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
}

/// <summary>Source-generated DataAnnotations validation of <see cref="HeuristicRankingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class HeuristicRankingOptionsValidator : IValidateOptions<HeuristicRankingOptions>;

/// <summary>
/// The ranking used until a model is served:
/// <c>score = popularity + scale × (HistoryWeight × 0.5^(age / HistoryHalfLife) + TrendingWeight × min(TrendingCap, recentCount / maxRecentCount))</c>,
/// where <c>scale</c> is the highest completion score among the candidates (1 when none came from the index). Dividing
/// by <c>scale</c> gives the normalized form <c>popularity / nodeMax + …</c>; keeping popularity units means a cold
/// start scores (and orders) exactly like MPC.
/// </summary>
internal sealed class HeuristicScorer(IOptionsMonitor<HeuristicRankingOptions> options)
{
    /// <summary>The model version reported while this scorer ranks.</summary>
    public const string ModelVersion = "heuristic-v1";

    /// <summary>Scores <paramref name="candidates"/> in place.</summary>
    public void Score(IReadOnlyList<Candidate> candidates, DateTimeOffset now, long maxRecentCount)
    {
        var weights = options.CurrentValue;
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

            c.Score = boost == 0 ? f.Popularity : f.Popularity + (scale * boost);
        }
    }
}
