using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using QueryRec.Api.Services;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Telemetry;
using Attr = QueryRec.Serving.Telemetry.QueryRecTelemetry.Attributes;

namespace QueryRec.Api.Interceptors;

/// <summary>
/// The RPC span and the per-call metrics. Outermost interceptor, so it sees the status the caller gets. The span
/// (named after the RPC) carries stage, scene and the hashed caller ids from the request, and index version, model
/// version, arm, returned count and degraded reasons from the response's metadata; the call is recorded in
/// <c>queryrec.rpc.duration</c> and each degraded reason in <c>queryrec.degraded</c>. Raw ids are never tagged.
/// </summary>
internal sealed class TelemetryInterceptor(QueryRecInstrumentation instrumentation) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var call = CallOf(request);
        var started = Stopwatch.GetTimestamp();
        using var activity = QueryRecTelemetry.Source.StartActivity(call.Rpc);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Attr.Rpc, call.Rpc);
            activity.SetTag(Attr.Stage, call.Stage);
            activity.SetTag(Attr.Scene, call.Scene);
            if (instrumentation.Hash(call.UserId) is { } user)
            {
                activity.SetTag(Attr.UserHash, user);
            }

            if (instrumentation.Hash(call.DeviceId) is { } device)
            {
                activity.SetTag(Attr.DeviceHash, device);
            }
        }

        var status = StatusCode.OK;
        ResponseMetadata? metadata = null;
        try
        {
            var response = await continuation(request, context);
            metadata = Responses.MetadataOf(response);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag(Attr.Returned, Responses.ReturnedOf(response));
            }

            return response;
        }
        catch (RpcException ex)
        {
            status = ex.StatusCode;
            throw;
        }
        catch (Exception)
        {
            // Inner interceptors turn every exception into an RpcException; this is a safety net.
            status = StatusCode.Unknown;
            throw;
        }
        finally
        {
            Finish(activity, call, metadata, status, Stopwatch.GetElapsedTime(started));
        }
    }

    private void Finish(Activity? activity, Call call, ResponseMetadata? metadata, StatusCode status, TimeSpan elapsed)
    {
        var arm = ArmOf(metadata);
        var statusName = StatusName(status);
        instrumentation.RecordCall(call.Rpc, call.Stage, arm, statusName, elapsed);
        if (metadata is not null)
        {
            foreach (var reason in metadata.DegradedReasons)
            {
                instrumentation.RecordDegraded(call.Rpc, reason);
                if (FallbackKindOf(reason) is { } kind)
                {
                    instrumentation.RecordFallback(kind);
                }
            }
        }

        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag(Attr.Status, statusName);
        if (status != StatusCode.OK)
        {
            // The status name only: a status detail may echo request data.
            activity.SetStatus(ActivityStatusCode.Error, statusName);
        }

        if (metadata is null)
        {
            return;
        }

        // The experiment helper tags the arm while it assigns; an answer it did not tag gets it from the metadata.
        if (activity.GetTagItem(Attr.Arm) is null)
        {
            activity.SetTag(Attr.Arm, arm);
        }

        activity.SetTag(Attr.RequestId, metadata.RequestId);
        if (metadata.IndexVersion.Length > 0)
        {
            activity.SetTag(Attr.IndexVersion, metadata.IndexVersion);
        }

        if (metadata.ModelVersion.Length > 0)
        {
            activity.SetTag(Attr.ModelVersion, metadata.ModelVersion);
        }

        if (metadata.Strategy.Length > 0)
        {
            activity.SetTag(Attr.Strategy, metadata.Strategy);
        }

        activity.SetTag(Attr.Degraded, metadata.Degraded);
        if (metadata.DegradedReasons.Count > 0)
        {
            activity.SetTag(Attr.DegradedReason, string.Join(',', metadata.DegradedReasons));
        }
    }

    /// <summary>
    /// The arm tag: <c>layer:arm</c> of every assigned layer, comma-separated, or <see cref="QueryRecInstrumentation.NoArm"/>.
    /// Arms come from the experiment configuration, so the values are bounded.
    /// </summary>
    internal static string ArmOf(ResponseMetadata? metadata)
    {
        if (metadata is null || metadata.ExperimentArms.Count == 0)
        {
            return QueryRecInstrumentation.NoArm;
        }

        if (metadata.ExperimentArms.Count == 1)
        {
            var only = metadata.ExperimentArms[0];
            return only.Layer + ":" + only.Arm;
        }

        return string.Join(',', metadata.ExperimentArms.Select(static a => a.Layer + ":" + a.Arm));
    }

    /// <summary>The substitute a degraded reason implies, null when none was served in its place.</summary>
    internal static string? FallbackKindOf(string reason) => reason switch
    {
        "model_error" or "model_unavailable" => "heuristic",
        _ when reason.StartsWith("source_stale:", StringComparison.Ordinal) => "stale_list",
        _ => null,
    };

    private static string StatusName(StatusCode status) => status switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.Internal => "INTERNAL",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        _ => "UNKNOWN",
    };

    private static Call CallOf<TRequest>(TRequest request) => request switch
    {
        SuggestRequest r => new("Suggest", r.UserId, r.DeviceId, QueryRecTelemetry.TagOf(r.Stage), QueryRecTelemetry.TagOf(r.Scene)),
        DiscoverRequest r => new("Discover", r.UserId, r.DeviceId, QueryRecTelemetry.TagOf(r.Stage), QueryRecTelemetry.TagOf(r.Scene)),
        GetShadingWordsRequest r => new("GetShadingWords", r.UserId, r.DeviceId, QueryRecTelemetry.TagOf(r.Stage), QueryRecTelemetry.TagOf(r.Scene)),
        ReportEventsRequest => new("ReportEvents", null, null, "none", "none"),
        DeleteHistoryRequest r => new("DeleteHistory", r.UserId, r.DeviceId, "none", "none"),
        CorrectRequest r => new("Correct", r.UserId, r.DeviceId, QueryRecTelemetry.TagOf(r.Stage), QueryRecTelemetry.TagOf(r.Scene)),
        _ => new("other", null, null, "none", "none"),
    };

    /// <summary>What the span and the metrics need from a request.</summary>
    private readonly record struct Call(string Rpc, string? UserId, string? DeviceId, string Stage, string Scene);
}
