using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Suggest;

/// <summary>
/// Who ranks a Suggest answer: the caller's experiment arm model, the default learned model, or the heuristic when
/// neither is configured, loaded or able to score.
/// </summary>
internal sealed class SuggestRanking(HeuristicScorer scorer, OnnxRanker ranker, ExperimentModels experimentModels, IOptionsMonitor<RankingModelOptions> guards, ILogger logger)
{
    /// <summary>
    /// The model version that would rank a call for the response cache's key: the heuristic's when no model ranks,
    /// the loaded default model's otherwise; null when a configured model is not loaded (the answer is degraded).
    /// </summary>
    public string? CacheModelVersion(ExperimentAssignment? arm)
    {
        if (arm?.RankingEnabled == false || !ranker.Configured)
        {
            return HeuristicScorer.ModelVersion;
        }

        var model = ranker.Acquire();
        if (model is null)
        {
            return null;
        }

        try
        {
            return model.Version;
        }
        finally
        {
            model.Release();
        }
    }

    /// <summary>
    /// Scores with the learned model when one is configured and loaded; otherwise, or when scoring throws, with the
    /// heuristic. A configured model that is not loaded marks the answer <c>model_unavailable</c>, a scoring failure
    /// <c>model_error</c>; no model configured is not a fault.
    /// </summary>
    /// <param name="features">The candidates' feature batch when the feature log already computed it, else null.</param>
    /// <remarks>
    /// An experiment arm may turn the model off (<c>Ranking:Enabled</c> false: the heuristic ranks, not degraded) or
    /// rank with a published model of its own (<c>Ranking:ModelId</c>); an arm model that is not loaded marks the
    /// answer <c>experiment_model_unavailable:{id}</c> and the default model or the heuristic ranks.
    /// </remarks>
    public void Score(
        IReadOnlyList<Candidate> candidates, string normalizedPrefix, DateTimeOffset now, TrendingSnapshot trending, float[]? features, ResponseMetadata metadata, ExperimentAssignment? arm)
    {
        var armModel = arm?.RankingEnabled != false && arm?.ModelId is { } modelId ? experimentModels.Acquire(modelId) : null;
        if (arm?.RankingEnabled != false && arm?.ModelId is { } missing && armModel is null)
        {
            Degraded.Mark(metadata, "experiment_model_unavailable:" + missing);
        }

        if (armModel is not null || (ranker.Configured && arm?.RankingEnabled != false))
        {
            var model = armModel ?? ranker.Acquire();
            if (model is null)
            {
                Degraded.Mark(metadata, "model_unavailable");
            }
            else
            {
                try
                {
                    var options = guards.CurrentValue;
                    if (options.HeuristicWithoutSignal && !LearnedRankingGuards.HasRealtimeSignal(candidates))
                    {
                        scorer.Score(candidates, now, trending.MaxCount, arm?.Heuristic);
                    }
                    else if (features is null)
                    {
                        ranker.Score(model, candidates, normalizedPrefix, now, trending);
                    }
                    else
                    {
                        OnnxRanker.Score(model, candidates, features);
                    }

                    LearnedRankingGuards.LiftOwnRecentQueries(candidates, now, options.OwnQueryWindow);
                    metadata.ModelVersion = model.Version;
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Ranking model {Version} failed to score; the heuristic ranks this answer.", model.Version);
                    Degraded.Mark(metadata, "model_error");
                }
                finally
                {
                    model.Release();
                }
            }
        }

        scorer.Score(candidates, now, trending.MaxCount, arm?.Heuristic);
    }
}
