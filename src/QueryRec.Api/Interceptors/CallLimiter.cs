using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
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
