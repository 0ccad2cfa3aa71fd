using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>The feature rows of one logged Suggest call, taken before scoring changed the order.</summary>
/// <param name="Request">The request.</param>
/// <param name="NormalizedPrefix">Its normalized prefix.</param>
/// <param name="Metadata">The response's metadata (request id, model version).</param>
/// <param name="ScoredOrder">The candidates in the order of the feature rows.</param>
/// <param name="Batch">The feature rows, <see cref="Core.Ranking.FeatureSchema.Count"/> floats per candidate.</param>
internal sealed record LoggedRanking(SuggestRequest Request, string NormalizedPrefix, ResponseMetadata Metadata, List<Candidate> ScoredOrder, float[] Batch);
