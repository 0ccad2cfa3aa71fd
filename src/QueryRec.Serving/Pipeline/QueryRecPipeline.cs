using System.Diagnostics;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Correction;
using QueryRec.Serving.Events;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.History;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Serving.Pipeline;

/// <summary>
/// The entry of every product of the pipeline, the same for every host (the gRPC service, the indexer's in-process
/// replay, the benchmarks): assigns the caller to its experiment arms, opens the call's scope (deadline, degraded
/// reasons of the stores behind failed reads), runs the product's handler with both in its <see cref="RequestContext"/> and
/// adds the scope's reasons to the answer.
/// </summary>
internal sealed class QueryRecPipeline(
    SuggestHandler suggest,
    DiscoverHandler discover,
    ShadingWordsHandler shadingWords,
    ReportEventsHandler reportEvents,
    DeleteHistoryHandler deleteHistory,
    PushQueriesHandler pushQueries,

    CorrectHandler correct,
    ExperimentRegistry experiments,
    TimeProvider timeProvider)
{
    // Created once: a method group passed per call would allocate a delegate on every call.
    private readonly Func<SuggestRequest, RequestContext, CancellationToken, Task<SuggestResponse>> _suggest = suggest.HandleAsync;
    private readonly Func<DiscoverRequest, RequestContext, CancellationToken, Task<DiscoverResponse>> _discover = discover.HandleAsync;
    private readonly Func<GetShadingWordsRequest, RequestContext, CancellationToken, Task<GetShadingWordsResponse>> _shadingWords = shadingWords.HandleAsync;
    private readonly Func<ReportEventsRequest, RequestContext, CancellationToken, Task<ReportEventsResponse>> _reportEvents = reportEvents.HandleAsync;
    private readonly Func<DeleteHistoryRequest, RequestContext, CancellationToken, Task<DeleteHistoryResponse>> _deleteHistory = deleteHistory.HandleAsync;
    private readonly Func<GetPushQueriesRequest, RequestContext, CancellationToken, Task<GetPushQueriesResponse>> _pushQueries = pushQueries.HandleAsync;

    private readonly Func<CorrectRequest, RequestContext, CancellationToken, Task<CorrectResponse>> _correct = correct.HandleAsync;

    public Task<SuggestResponse> SuggestAsync(SuggestRequest request, PipelineCall call, CancellationToken cancellationToken)
        => RunAsync(request, request.UserId, request.DeviceId, call, _suggest, static r => r.Metadata, cancellationToken);

    public Task<DiscoverResponse> DiscoverAsync(DiscoverRequest request, PipelineCall call, CancellationToken cancellationToken)
        => RunAsync(request, request.UserId, request.DeviceId, call, _discover, static r => r.Metadata, cancellationToken);

    public Task<GetShadingWordsResponse> GetShadingWordsAsync(GetShadingWordsRequest request, PipelineCall call, CancellationToken cancellationToken)
        => RunAsync(request, request.UserId, request.DeviceId, call, _shadingWords, static r => r.Metadata, cancellationToken);

    /// <summary>A batch is assigned to arms when all its events share one caller; otherwise it has none.</summary>
    public Task<ReportEventsResponse> ReportEventsAsync(ReportEventsRequest request, PipelineCall call, CancellationToken cancellationToken)
    {
        var (userId, deviceId) = BatchCaller(request);
        return RunAsync(request, userId, deviceId, call, _reportEvents, static r => r.Metadata, cancellationToken);
    }

    public Task<DeleteHistoryResponse> DeleteHistoryAsync(DeleteHistoryRequest request, PipelineCall call, CancellationToken cancellationToken)
        => RunAsync(request, request.UserId, request.DeviceId, call, _deleteHistory, static r => r.Metadata, cancellationToken);

    public Task<GetPushQueriesResponse> GetPushQueriesAsync(GetPushQueriesRequest request, PipelineCall call, CancellationToken cancellationToken)
        => RunAsync(request, request.UserId, request.DeviceId, call, _pushQueries, static r => r.Metadata, cancellationToken);

    public Task<CorrectResponse> CorrectAsync(CorrectRequest request, PipelineCall call, CancellationToken cancellationToken)
        => RunAsync(request, request.UserId, request.DeviceId, call, _correct, static r => r.Metadata, cancellationToken);

    /// <summary>
    /// The honoured QA overrides of <paramref name="spec"/> (<c>layer=arm[,layer=arm]</c>) under the current experiment
    /// configuration; throws <see cref="InvalidRequestException"/> naming <paramref name="field"/> when malformed.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ParseForcedArms(string? spec, string field)
        => ForcedArms.Parse(spec, experiments.Config, field);

    private async Task<TResponse> RunAsync<TRequest, TResponse>(
        TRequest request,
        string? userId,
        string? deviceId,
        PipelineCall call,
        Func<TRequest, RequestContext, CancellationToken, Task<TResponse>> handler,
        Func<TResponse, ResponseMetadata?> metadataOf,
        CancellationToken cancellationToken)
    {
        var assignment = experiments.Assign(userId, deviceId, call.ForcedArms);
        if (assignment.Arms.Count > 0)
        {
            Activity.Current?.SetTag(QueryRecTelemetry.Attributes.Arm, assignment.Tag);
        }

        var context = new RequestContext(assignment.Arms.Count == 0 ? null : assignment, new CallScope(call.DeadlineUtc, timeProvider));
        var response = await handler(request, context, cancellationToken);
        if (metadataOf(response) is { } metadata)
        {
            foreach (var reason in context.Scope.Reasons())
            {
                Degraded.MarkOnce(metadata, reason);
            }
        }

        return response;
    }

    private static (string? UserId, string? DeviceId) BatchCaller(ReportEventsRequest request)
    {
        if (request.Events.Count == 0)
        {
            return (null, null);
        }

        var first = request.Events[0];
        foreach (var e in request.Events)
        {
            if (!string.Equals(e.UserId, first.UserId, StringComparison.Ordinal) || !string.Equals(e.DeviceId, first.DeviceId, StringComparison.Ordinal))
            {
                return (null, null);
            }
        }

        return (first.UserId, first.DeviceId);
    }
}
