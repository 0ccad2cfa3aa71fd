using System.ComponentModel.DataAnnotations;

namespace QueryRec.Serving.Ranking;

/// <summary>The learned ranker's model file. Section <c>QueryRec:Ranking:Model</c>.</summary>
public sealed class RankingModelOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Ranking:Model";

    /// <summary>
    /// The ONNX model file (from <c>indexer train</c>); empty means no learned ranker: the heuristic ranks and
    /// answers are not degraded. A <c>.card.json</c> beside it gives the model version and schema version.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>How often the file (and its card) are checked for changes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
