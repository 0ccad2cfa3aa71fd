using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Suggest with a feature log (training data): hands the ranked, collapsed candidates with the feature rows the model
/// scored to the log, before the category filter and the limit cut the list. Leaves the candidates as they are; a
/// call without <see cref="SuggestRerankContext.Logged"/> rows is not recorded.
/// </summary>
internal sealed class RecordRankingFeatures(IRankingFeatureLog log, SubjectHasher hasher) : IRerankStep<SuggestRerankContext>
{
    public string Name => "feature_log";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<SuggestRerankContext> state, CancellationToken cancellationToken)
    {
        if (state.Context.Logged is { } logged)
        {
            log.Record(RecordOf(logged, candidates));
        }

        return ValueTask.FromResult(candidates);
    }

    private RankingFeatureRecord RecordOf(LoggedRanking logged, List<Candidate> ordered)
    {
        var width = Core.Ranking.FeatureSchema.Count;
        var row = new Dictionary<Candidate, int>(logged.ScoredOrder.Count, ReferenceEqualityComparer.Instance);
        for (var i = 0; i < logged.ScoredOrder.Count; i++)
        {
            row[logged.ScoredOrder[i]] = i;
        }

        var candidates = new LoggedCandidate[ordered.Count];
        for (var i = 0; i < ordered.Count; i++)
        {
            var c = ordered[i];
            candidates[i] = new LoggedCandidate(c.Text, c.Score, logged.Batch.AsSpan(row[c] * width, width).ToArray());
        }

        var metadata = logged.Metadata;
        return new RankingFeatureRecord(metadata.RequestId, logged.NormalizedPrefix, hasher.Of(logged.Request.UserId, logged.Request.DeviceId), metadata.ModelVersion, candidates);
    }
}
