using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

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
