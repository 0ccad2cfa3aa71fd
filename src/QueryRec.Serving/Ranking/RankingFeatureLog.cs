namespace QueryRec.Serving.Ranking;

/// <summary>
/// Feature logging at serving (an in-process hook, not part of the gRPC contract): when an implementation is
/// registered in DI, every Suggest call hands it the full ordered candidate list with the feature vector of each
/// candidate, computed by the same code that feeds the ONNX model (<see cref="OnnxRanker"/>), whether the model or
/// the heuristic ranked the answer. Training on these rows means no train/serve skew. When none is registered no
/// vector is computed. <see cref="Record"/> runs on the request path: keep it cheap and thread-safe.
/// </summary>
public interface IRankingFeatureLog
{
    /// <summary>Receives one Suggest call's candidates.</summary>
    void Record(RankingFeatureRecord record);
}

/// <summary>One Suggest call as seen by the ranker.</summary>
/// <param name="RequestId">The response's <c>metadata.request_id</c>.</param>
/// <param name="NormalizedPrefix">The normalized input.</param>
/// <param name="SubjectHash">
/// The keyed hash of the caller (<see cref="SubjectHasher"/>), empty when anonymous: never a raw user or device id.
/// </param>
/// <param name="ModelVersion">The ranker that ordered the list (<c>heuristic-v1</c> or the model's version).</param>
/// <param name="Candidates">
/// Every candidate after ordering (match tier, score, near-duplicate collapse), before the limit, best first.
/// </param>
public sealed record RankingFeatureRecord(
    string RequestId,
    string NormalizedPrefix,
    string SubjectHash,
    string ModelVersion,
    IReadOnlyList<LoggedCandidate> Candidates);

/// <summary>One logged candidate.</summary>
/// <param name="Text">The normalized candidate text (the merge key; after a near-duplicate collapse, the leading form).</param>
/// <param name="Score">The score it was ordered by.</param>
/// <param name="Features">Its feature vector in <see cref="Core.Ranking.FeatureSchema"/> order, as scored.</param>
public sealed record LoggedCandidate(string Text, double Score, float[] Features);
