using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Browse;

/// <summary>
/// GetPushQueries (搜索PUSH): queries to push to one subject outside the search box. The subject's own plan runs first
/// (q2q of their recent searches, refinements of them, i2q of items viewed but not ordered, trending in their interest
/// categories); when it gives fewer than the limit, the hot fallback (hot of their interest categories, the global
/// hot list when they have none) fills the rest and the answer is flagged <c>fallback</c>. The limit is first cut to
/// what the daily cap leaves: <see cref="StrategyOptions.PushDailyCap"/> minus the distinct queries reported pushed
/// (PUSH_SENT) since the start of the UTC day. When the pushes sent cannot be read, nothing is pushed (degraded): a
/// push over the cap is worse than none.
/// </summary>
internal sealed class PushQueriesHandler(BrowseServing serving, ILogger<PushQueriesHandler> logger)
{
    public const int MaxLimit = 20;

    /// <summary>Degraded reason when the subject's pushes sent could not be read.</summary>
    public const string PushStateReason = "source_error:pushes_sent";

    public async Task<GetPushQueriesResponse> HandleAsync(GetPushQueriesRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        validation.MaxLength("user_id", request.UserId, Limits.MaxIdLength);
        validation.MaxLength("device_id", request.DeviceId, Limits.MaxIdLength);
        validation.Range("limit", request.Limit, 0, MaxLimit, " (0 means the default)");
        validation.ThrowIfInvalid();

        var strategy = serving.Registry.Push;
        StrategyLog.StrategySelected(logger, "GetPushQueries", "-", "-", strategy.Name);
        var (context, metadata) = serving.Begin(request.UserId, request.DeviceId, null, strategy.Name, call, cancellationToken);
        var response = new GetPushQueriesResponse { Metadata = metadata };
        var options = context.Options;
        int sentToday;
        try
        {
            var dayStart = new DateTimeOffset(context.Now.UtcDateTime.Date, TimeSpan.Zero);
            sentToday = (await context.PushesSentAsync()).Count(p => p.Time >= dayStart);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            StrategyLog.PushStateUnavailable(logger, ex);
            call.Scope.AddStoreFault(ex);
            Pipeline.Degraded.Mark(metadata, PushStateReason);
            return response;
        }

        response.RemainingToday = Math.Max(0, options.PushDailyCap - sentToday);
        var limit = Math.Min(request.Limit == 0 ? options.PushDefaultLimit : request.Limit, response.RemainingToday);
        if (limit == 0)
        {
            return response;
        }

        var personal = await serving.RunAsync(strategy.Personal, context, limit, strategy.Name, logger, "GetPushQueries", cancellationToken);
        var results = new List<PlanResult> { personal };
        var items = new List<Candidate>(personal.Items);
        if (items.Count < limit)
        {
            var fallback = await serving.RunAsync(strategy.Fallback, context, limit, strategy.Name, logger, "GetPushQueries", cancellationToken);
            results.Add(fallback);
            var shown = items.Select(static c => c.Text).ToHashSet(StringComparer.Ordinal);
            foreach (var candidate in fallback.Items.Where(c => !shown.Contains(c.Text)).Take(limit - items.Count))
            {
                items.Add(candidate);
                response.Fallback = true;
            }
        }

        BrowseServing.AddDegraded(metadata, results);
        response.Items.AddRange(items.Select(BrowseServing.ToItem));
        return response;
    }
}
