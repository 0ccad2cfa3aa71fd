using Grpc.Core;
using Grpc.Core.Interceptors;
using QueryRec.Api.Hosting;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Api.Interceptors;

/// <summary>
/// The concurrency limit of the public service (<c>queryrec.v1.QueryRecService</c>; health and reflection are never
/// limited): a call is shed with RESOURCE_EXHAUSTED at once when the limit is reached. The call's deadline and the
/// degraded reasons raised deep in the stores are the pipeline's (<see cref="QueryRecPipeline"/>).
/// </summary>
internal sealed class ResilienceInterceptor(CallLimiter limiter, QueryRecInstrumentation metrics, ILogger<ResilienceInterceptor> logger) : Interceptor
{
    private const string ServicePrefix = "/" + QueryRecHostExtensions.ServiceName + "/";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (!context.Method.StartsWith(ServicePrefix, StringComparison.Ordinal))
        {
            return await continuation(request, context);
        }

        using var lease = await limiter.AcquireAsync(context.CancellationToken);
        if (!lease.IsAcquired)
        {
            metrics.Shed(context.Method[ServicePrefix.Length..]);
            ResilienceLog.CallShed(logger, context.Method);
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "The server is at its concurrency limit; retry with backoff."));
        }

        return await continuation(request, context);
    }
}
