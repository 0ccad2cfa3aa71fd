using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Browse;

/// <summary>What Discover and GetShadingWords share: the request context, the metadata and running a plan.</summary>
internal sealed class BrowseServing(
    ActiveIndex activeIndex,
    IRealtimeStore realtimeStore,
    HeuristicScorer scorer,
    StrategyRegistry registry,
    IOptionsMonitor<StrategyOptions> options,
    TimeProvider timeProvider,
    EventClock eventClock)
{
    public StrategyRegistry Registry => registry;

    /// <summary>The strategy options of a call: its experiment arms' when they override any, else the configured ones.</summary>
    public StrategyOptions OptionsOf(RequestContext call) => call.Arms?.Strategies ?? options.CurrentValue;

    /// <summary>Builds the request context (one index snapshot for the whole request) and the response metadata.</summary>
    public (BrowseContext Context, ResponseMetadata Metadata) Begin(string userId, string deviceId, PageContext? page, string strategy, RequestContext call, CancellationToken cancellationToken)
    {
        using var activity = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Normalize);
        var now = eventClock.Now;
        var metadata = new ResponseMetadata
        {
            ModelVersion = HeuristicScorer.ModelVersion,
            RequestId = RequestIds.New(now),
            Strategy = strategy,
        };
        call.Stamp(metadata);
        var serving = activeIndex.Current;
        if (serving is null)
        {
            Degraded.Mark(metadata, "index_unavailable");
        }
        else
        {
            metadata.IndexVersion = serving.Version;
        }

        var context = new BrowseContext(
            RealtimeSubject.Of(userId, deviceId),
            serving,
            QueryNormalizer.Normalize(page?.Query),
            page?.ItemId ?? string.Empty,
            page?.CategoryId ?? string.Empty,
            realtimeStore,
            OptionsOf(call),
            call,
            now,
            cancellationToken)
        {
            RequestId = metadata.RequestId,
        };
        return (context, metadata);
    }

    /// <summary>Runs one plan. Does not touch the metadata, so that plans can run concurrently: see <see cref="AddDegraded"/>.</summary>
    public Task<PlanResult> RunAsync(RecallPlan plan, BrowseContext context, int limit, string strategy, ILogger logger, string rpc, CancellationToken cancellationToken)
        => plan.RunAsync(context, limit, strategy, context.Call.Limit(context.Options.RecallBudget), scorer, timeProvider, logger, rpc, cancellationToken);

    /// <summary>Adds the degraded reasons of finished plans to the metadata, each once.</summary>
    public static void AddDegraded(ResponseMetadata metadata, IEnumerable<PlanResult> results)
    {
        foreach (var reason in results.SelectMany(static r => r.DegradedReasons))
        {
            Degraded.MarkOnce(metadata, reason);
        }
    }

    public static RecommendedQuery ToItem(Candidate candidate)
    {
        var item = new RecommendedQuery
        {
            Text = candidate.DisplayText,
            Score = candidate.Score,
            Reason = candidate.Reason,
            CategoryHint = candidate.CategoryHint,
            CollapsedVariants = candidate.CollapsedVariants,

            // Only the caller's own history carries the time of the last search (the HISTORY section).
            LastSearched = candidate.Sources.Contains(Source.History) && candidate.Features.LastSearched is { } at
                ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(at)
                : null,
        };
        candidate.Sources.CopyTo(item.Sources);
        return item;
    }

    public static void ValidateCommon(RequestValidation validation, string userId, string deviceId, Stage stage, Scene scene, PageContext? context, int limit, int maxLimit)
    {
        validation.Common(userId, deviceId, stage, scene, context);
        validation.Range("limit", limit, 0, maxLimit, " (0 means the default)");
    }

}
