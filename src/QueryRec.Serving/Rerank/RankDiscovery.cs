using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// The learned ranker of RELATED and REFINE: when a Discover model serves (<see cref="DiscoveryModelHost"/>), each
/// candidate's score becomes the model's, squashed to (0, 1) so the category spread that follows weighs it as it weighs
/// the heuristic's; otherwise the heuristic's score stays. A configured model that cannot be loaded leaves the heuristic
/// and flags the answer <c>discovery_model_unavailable</c>. Hands the rows to the feature log when one is registered.
/// Runs after <see cref="OrderByScore"/> (the log sees the heuristic's order) and before another.
/// </summary>
internal sealed class RankDiscovery(DiscoveryModelHost host, IDiscoveryFeatureLog? log) : IRerankStep<BrowseContext>
{
    public const string UnavailableReason = "discovery_model_unavailable";

    public string Name => "rank_discovery";

    public async ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var model = host.Acquire(out var unavailable);
        try
        {
            if (unavailable)
            {
                state.AddDegraded(UnavailableReason);
            }

            if (candidates.Count == 0 || (model is null && log is null))
            {
                return candidates;
            }

            var context = state.Context;
            var recent = (await context.RecentQueriesAsync()).Select(static r => r.Value);
            var batch = DiscoveryFeatures.Batch(candidates, context.Query, recent);
            var width = Core.Ranking.DiscoveryFeatureSchema.Count;
            log?.Record(new DiscoveryFeatureRecord(
                context.RequestId,
                context.Query,
                [.. candidates.Select((c, i) => new LoggedCandidate(c.Text, c.Score, batch.AsSpan(i * width, width).ToArray()))]));
            if (model is not null)
            {
                var scores = model.Score(batch, candidates.Count);
                for (var i = 0; i < candidates.Count; i++)
                {
                    candidates[i].Score = 1 / (1 + Math.Exp(-scores[i]));
                }

                state.ModelVersion = model.Version;
            }

            return candidates;
        }
        finally
        {
            model?.Release();
        }
    }
}
