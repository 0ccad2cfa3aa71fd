using Microsoft.Extensions.Options;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;
using QueryRec.Serving.Index;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Storage.Realtime;
using QueryRec.Serving.Events;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;

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
            MarkDegraded(metadata, "index_unavailable");
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
            cancellationToken);
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
            if (!metadata.DegradedReasons.Contains(reason))
            {
                MarkDegraded(metadata, reason);
            }
        }
    }

    public static RecommendedQuery ToItem(Candidate candidate) => new()
    {
        Text = candidate.DisplayText,
        Score = candidate.Score,
        Sources = { candidate.Sources },
        Reason = candidate.Reason,
        CategoryHint = candidate.CategoryHint,
    };

    public static void ValidateCommon(RequestValidation validation, string userId, string deviceId, Stage stage, Scene scene, PageContext? context, int limit, int maxLimit)
    {
        validation.Common(userId, deviceId, stage, scene, context);
        validation.Range("limit", limit, 0, maxLimit, " (0 means the default)");
    }

    private static void MarkDegraded(ResponseMetadata metadata, string reason)
    {
        metadata.Degraded = true;
        metadata.DegradedReasons.Add(reason);
    }
}

/// <summary>
/// Discover: BEFORE_SEARCH shows PERSONAL (u2q2q: q2q of recent queries and i2q of viewed items) and HOT (hot and
/// trending lists, category-scoped when a category is given); BROWSING shows RELATED, REFINE and CLICK_BACK of the
/// page's query and item. <c>sections</c> selects sections (all of the stage when empty).
/// </summary>
internal sealed class DiscoverHandler(BrowseServing serving, ILogger<DiscoverHandler> logger)
{
    public const int MaxLimit = 50;

    public async Task<DiscoverResponse> HandleAsync(DiscoverRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        var strategy = Validate(request);
        Log.StrategySelected(logger, "Discover", request.Stage.ToString(), request.Scene.ToString(), strategy.Name);
        var limit = request.Limit == 0 ? serving.OptionsOf(call).DiscoverDefaultLimit : request.Limit;
        var (context, metadata) = serving.Begin(request.UserId, request.DeviceId, request.Context, strategy.Name, call, cancellationToken);
        var response = new DiscoverResponse { Metadata = metadata };
        var wanted = request.Sections.Count == 0 ? null : request.Sections.ToHashSet();
        var selected = strategy.Sections.Where(s => wanted is null || wanted.Contains(s.Kind)).ToList();
        var results = await Task.WhenAll(selected.Select(s => serving.RunAsync(s.Plan, context, limit, strategy.Name, logger, "Discover", cancellationToken)));
        BrowseServing.AddDegraded(metadata, results);
        for (var i = 0; i < selected.Count; i++)
        {
            var section = new Section { Kind = selected[i].Kind, Title = selected[i].Title };
            section.Items.AddRange(results[i].Items.Select(BrowseServing.ToItem));
            response.Sections.Add(section);
        }

        return response;
    }

    private DiscoverStrategy Validate(DiscoverRequest request)
    {
        var validation = new RequestValidation();
        BrowseServing.ValidateCommon(validation, request.UserId, request.DeviceId, request.Stage, request.Scene, request.Context, request.Limit, MaxLimit);
        var strategy = serving.Registry.Discover(request.Stage, request.Scene);
        if (strategy is null && System.Enum.IsDefined(request.Stage))
        {
            validation.Add("stage", $"must be STAGE_BEFORE_SEARCH or STAGE_BROWSING for Discover (got {request.Stage}).");
        }

        if (request.Sections.Count > QueryRec.Core.Limits.MaxDiscoverSections)
        {
            validation.Add("sections", $"must name at most {QueryRec.Core.Limits.MaxDiscoverSections} sections (got {request.Sections.Count}).");
        }

        for (var i = 0; request.Sections.Count <= QueryRec.Core.Limits.MaxDiscoverSections && i < request.Sections.Count; i++)
        {
            var kind = request.Sections[i];
            if (!System.Enum.IsDefined(kind) || kind == SectionKind.Unspecified)
            {
                validation.Add($"sections[{i}]", $"unknown section kind {(int)kind}.");
            }
            else if (strategy is not null && !strategy.Offers(kind))
            {
                validation.Add($"sections[{i}]", $"{kind} is not offered at stage {request.Stage} (offered: {string.Join(", ", strategy.Sections.Select(static s => s.Kind))}).");
            }
        }

        validation.ThrowIfInvalid();
        return strategy!;
    }
}

/// <summary>
/// GetShadingWords (底纹): N placeholder queries in rotation order from the user's q2q and i2q, category hot, global
/// hot and pins; words shown <see cref="StrategyOptions.ShadingDailyExposureCap"/> times today are skipped.
/// </summary>
internal sealed class ShadingWordsHandler(BrowseServing serving, ILogger<ShadingWordsHandler> logger)
{
    public const int MaxLimit = 20;

    public async Task<GetShadingWordsResponse> HandleAsync(GetShadingWordsRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        BrowseServing.ValidateCommon(validation, request.UserId, request.DeviceId, request.Stage, request.Scene, request.Context, request.Limit, MaxLimit);
        if (request.Stage == Stage.InSearch)
        {
            validation.Add("stage", "must be STAGE_BEFORE_SEARCH, STAGE_BROWSING or unspecified for GetShadingWords (IN_SEARCH is Suggest's).");
        }

        validation.ThrowIfInvalid();
        var options = serving.OptionsOf(call);
        var strategy = serving.Registry.ShadingWords(request.Stage, request.Scene, request.Context?.CategoryId ?? string.Empty);
        Log.StrategySelected(logger, "GetShadingWords", request.Stage.ToString(), request.Scene.ToString(), strategy.Name);
        var limit = request.Limit == 0 ? options.ShadingDefaultLimit : request.Limit;
        var (context, metadata) = serving.Begin(request.UserId, request.DeviceId, request.Context, strategy.Name, call, cancellationToken);
        var result = await serving.RunAsync(strategy.Plan, context, limit, strategy.Name, logger, "GetShadingWords", cancellationToken);
        BrowseServing.AddDegraded(metadata, [result]);
        var response = new GetShadingWordsResponse { Metadata = metadata, RotationIntervalSeconds = options.RotationIntervalSeconds };
        response.Items.AddRange(result.Items.Select(BrowseServing.ToItem));
        return response;
    }
}
