using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Ranking;

/// <summary>The Discover ranker (RELATED and REFINE). Section <c>QueryRec:Ranking:Discovery</c>; hot-reloaded.</summary>
public sealed class DiscoveryRankingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Ranking:Discovery";

    /// <summary>
    /// The ONNX model from <c>indexer train --discovery</c> (its <c>.card.json</c> beside it must say
    /// <c>discovery-features-v1</c>); empty: the heuristic orders RELATED and REFINE, not degraded. A missing or
    /// refused file leaves the heuristic ordering with the answer degraded (<c>discovery_model_unavailable</c>).
    /// </summary>
    [StringLength(4096)]
    public string? ModelPath { get; set; }

    /// <summary>How often the file is checked for a change (a replaced file is loaded, a bad one refused).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Source-generated DataAnnotations validation of <see cref="DiscoveryRankingOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class DiscoveryRankingOptionsValidator : IValidateOptions<DiscoveryRankingOptions>;
