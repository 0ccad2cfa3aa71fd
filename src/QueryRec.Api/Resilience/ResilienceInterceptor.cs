using System.Threading.RateLimiting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using QueryRec.Api.Hosting;
using QueryRec.Api.Services;
using QueryRec.Contracts.V1;

namespace QueryRec.Api.Resilience;

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
/// The resilience concerns of every call of the public service (<c>queryrec.v1.QueryRecService</c>; health and
/// reflection are never limited):
/// <list type="bullet">
/// <item>sheds a call with RESOURCE_EXHAUSTED at once when the concurrency limit is reached;</item>
/// <item>opens the <see cref="CallScope"/> that carries the call's deadline (handlers shrink their budgets to it) and
/// collects degraded reasons raised deep in the stores (<c>store_circuit_open</c>, <c>store_fallback:*</c>), which are
/// added to the response's <c>metadata</c>;</item>
/// </list>
/// </summary>
internal sealed class ResilienceInterceptor(CallLimiter limiter, ResilienceMetrics metrics, TimeProvider timeProvider, ILogger<ResilienceInterceptor> logger) : Interceptor
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

        // Deadlines are wall-clock times, also when the replay clock is on.
        var wall = timeProvider is ReplayClock ? TimeProvider.System : timeProvider;
        using var scope = CallScope.Begin(context.Deadline, wall);
        var response = await continuation(request, context);
        Complete(response, scope.Scope);
        return response;
    }

    /// <summary>Adds the scope's reasons to the response's metadata (the telemetry interceptor, outside, counts them).</summary>
    private void Complete<TResponse>(TResponse response, CallScope scope)
    {
        if (Responses.MetadataOf(response) is not { } metadata)
        {
            return;
        }

        foreach (var reason in scope.Reasons())
        {
            if (!metadata.DegradedReasons.Contains(reason))
            {
                metadata.Degraded = true;
                metadata.DegradedReasons.Add(reason);
            }
        }
    }
}
