using System.ComponentModel.DataAnnotations;

namespace QueryRec.Serving.Ranking;

/// <summary>The learned ranker's model file and its guards. Section <c>QueryRec:Ranking:Model</c>.</summary>
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

    /// <summary>
    /// When a model ranks, the caller's own queries searched within this span come first (most recent first, within
    /// their match tier), whatever the model scores: a shopper who searched "batman", clicked a result and comes back
    /// to the box expects "batman" on top. 0 turns the guarantee off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan OwnQueryWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// When a model is configured but no candidate of the call carries a real-time or personal signal (no recent count,
    /// no own history, no session strength), the heuristic orders the answer: a model trained on streaming traffic
    /// reads all-zero real-time features as evidence against every candidate, so after a restart, in a new deployment
    /// or for a call with nothing fresh the popularity order is the better answer. The answer still reports the model's
    /// version (the model and these guards are one ranker).
    /// </summary>
    public bool HeuristicWithoutSignal { get; set; } = true;
}
