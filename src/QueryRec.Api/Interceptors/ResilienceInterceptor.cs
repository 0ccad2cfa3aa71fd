using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using QueryRec.Api.Hosting;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Resilience;

namespace QueryRec.Api.Interceptors;

/// <summary>
/// The concurrency limit of the public service, shared by all its calls (a singleton): a
/// <see cref="ConcurrencyLimiter"/> with <see cref="ConcurrencyLimitSettings.PermitLimit"/> permits and, by default,
/// no queue.
/// </summary>
internal sealed class CallLimiter(IOptions<ResilienceOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.ConcurrencyLimit.PermitLimit,
        QueueLimit = options.Value.ConcurrencyLimit.QueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Permits free right now.</summary>
    public long AvailablePermits => _limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;

    /// <summary>Takes a permit: at once when one is free, else waits in the queue when it has room; a failed lease otherwise.</summary>
    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var lease = _limiter.AttemptAcquire();
        return lease.IsAcquired || options.Value.ConcurrencyLimit.QueueLimit == 0
            ? ValueTask.FromResult(lease)
            : WaitAsync(lease, cancellationToken);
    }

    public void Dispose() => _limiter.Dispose();

    private async ValueTask<RateLimitLease> WaitAsync(RateLimitLease refused, CancellationToken cancellationToken)
    {
        refused.Dispose();
        return await _limiter.AcquireAsync(1, cancellationToken);
    }
}

/// <summary>
/// The concurrency limit of the public service (<c>queryrec.v1.QueryRecService</c>; health and reflection are never
/// limited): a call is shed with RESOURCE_EXHAUSTED at once when the limit is reached. The call's deadline and the
/// degraded reasons raised deep in the stores are the pipeline's (<see cref="QueryRecPipeline"/>).
/// </summary>
internal sealed class ResilienceInterceptor(CallLimiter limiter, ResilienceMetrics metrics, ILogger<ResilienceInterceptor> logger) : Interceptor
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
