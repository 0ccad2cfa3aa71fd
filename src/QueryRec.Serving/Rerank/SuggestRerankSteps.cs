using QueryRec.Serving.Ranking;

namespace QueryRec.Serving.Rerank;

/// <summary>Suggest's rerank, as steps of the one rerank mechanism (<see cref="RerankPipeline"/>).</summary>
internal static class SuggestRerankSteps
{
    /// <summary>
    /// Category context marked before the order is set; blacklist and order (tier, score) over all candidates;
    /// near-duplicates folded; the feature log (when there is one) sees the full ranked list; then the category filter
    /// and the limit cut it.
    /// </summary>
    public static IReadOnlyList<IRerankStep<SuggestRerankContext>> Create(Reranker reranker, IRankingFeatureLog? featureLog, SubjectHasher? hasher = null)
    {
        List<IRerankStep<SuggestRerankContext>> steps =
        [
            new SuggestContextCategories(),
            new OrderByTierAndScore(reranker),
            new CollapseNearDuplicates<SuggestRerankContext>(static c => c.NearKeys),
        ];
        if (featureLog is not null)
        {
            steps.Add(new RecordRankingFeatures(featureLog, hasher ?? new SubjectHasher(Microsoft.Extensions.Options.Options.Create(new FeatureLogOptions()))));
        }

        steps.Add(new SuggestCategoryFilterFirst());
        steps.Add(new Limit<SuggestRerankContext>());
        return steps;
    }
}
