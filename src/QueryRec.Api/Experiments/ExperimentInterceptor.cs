using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using QueryRec.Api.Validation;
using QueryRec.Contracts.V1;

namespace QueryRec.Api.Experiments;

/// <summary>
/// Assigns each call to its experiment arms before the handler runs (<see cref="ExperimentScope"/>), and tags the
/// current span <c>queryrec.arm</c> = <c>layer:arm,...</c>. The caller is the request's user id, else its device id;
/// ReportEvents is assigned when all events of the batch share one caller. A QA override rides on the
/// <c>x-queryrec-arm</c> header (<c>layer=arm[,layer=arm]</c>, at most <see cref="MaxHeaderLength"/> characters): it
/// is honoured for layers whose configuration says <c>AllowOverride</c> and ignored for the others (and for unknown
/// layers); an unknown arm of a layer that allows overrides, or a malformed header, is INVALID_ARGUMENT.
/// </summary>
internal sealed class ExperimentInterceptor(ExperimentRegistry registry) : Interceptor
{
    /// <summary>The QA override header.</summary>
    public const string OverrideHeader = "x-queryrec-arm";

    /// <summary>The longest QA override header accepted.</summary>
    public const int MaxHeaderLength = 512;

    /// <summary>The span attribute carrying the arms.</summary>
    public const string ArmTag = "queryrec.arm";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var (userId, deviceId) = Caller(request);
        var forced = Forced(context.RequestHeaders.GetValue(OverrideHeader));
        var assignment = registry.Assign(userId, deviceId, forced);
        ExperimentScope.Current = assignment.Arms.Count == 0 ? null : assignment;
        if (assignment.Arms.Count > 0)
        {
            Activity.Current?.SetTag(ArmTag, assignment.Tag);
        }

        // Awaited here so that the assignment is scoped to this call's flow.
        return await continuation(request, context);
    }

    /// <summary>The caller ids of a request (empty when it has none).</summary>
    private static (string? UserId, string? DeviceId) Caller(object request)
    {
        switch (request)
        {
            case SuggestRequest r:
                return (r.UserId, r.DeviceId);
            case DiscoverRequest r:
                return (r.UserId, r.DeviceId);
            case GetShadingWordsRequest r:
                return (r.UserId, r.DeviceId);
            case ReportEventsRequest { Events.Count: > 0 } r:
                var first = r.Events[0];
                foreach (var e in r.Events)
                {
                    if (!string.Equals(e.UserId, first.UserId, StringComparison.Ordinal) || !string.Equals(e.DeviceId, first.DeviceId, StringComparison.Ordinal))
                    {
                        return (null, null);
                    }
                }

                return (first.UserId, first.DeviceId);
            default:
                return (null, null);
        }
    }

    /// <summary>The honoured QA overrides of the header (layer → arm), null when none.</summary>
    private Dictionary<string, string>? Forced(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        var validation = new RequestValidation();
        if (header.Length > MaxHeaderLength)
        {
            validation.Add(OverrideHeader, $"must be at most {MaxHeaderLength} characters (got {header.Length}).");
            validation.ThrowIfInvalid();
        }

        var config = registry.Config;
        Dictionary<string, string>? forced = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == part.Length - 1)
            {
                validation.Add(OverrideHeader, $"'{part}' is not layer=arm.");
                continue;
            }

            var layerName = part[..equals].Trim();
            var armName = part[(equals + 1)..].Trim();
            if (config.Layer(layerName) is not { AllowOverride: true } layer)
            {
                // Not allowed (or unknown): ignored, and the layer assigns as usual.
                continue;
            }

            if (layer.Arm(armName) is null)
            {
                validation.Add(OverrideHeader, $"layer '{layerName}' has no arm '{armName}' (arms: {string.Join(", ", layer.Arms.Select(static a => a.Name))}).");
                continue;
            }

            (forced ??= new Dictionary<string, string>(StringComparer.Ordinal))[layerName] = armName;
        }

        validation.ThrowIfInvalid();
        return forced;
    }
}
