using Polly.CircuitBreaker;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// The deadline of one pipeline call and the degraded reasons gathered while it runs. Passed explicitly (in the call's
/// <see cref="Pipeline.RequestContext"/>) to every step that can add a reason; the pipeline adds the gathered reasons to
/// the answer once the handler returns. Steps may run concurrently, so adding is thread-safe.
/// </summary>
internal sealed class CallScope(DateTime deadlineUtc, TimeProvider wall)
{
    /// <summary>The reason of a call that had a store read refused by the open circuit breaker.</summary>
    public const string CircuitOpenReason = "store_circuit_open";

    private readonly Lock _gate = new();
    private List<string>? _reasons;

    /// <summary>The call's deadline (UTC; <see cref="DateTime.MaxValue"/> when it has none).</summary>
    public DateTime DeadlineUtc { get; } = deadlineUtc;

    /// <summary>The wall clock the deadline is measured on.</summary>
    public TimeProvider Wall { get; } = wall;

    /// <summary>Adds a degraded reason (once).</summary>
    public void AddReason(string reason)
    {
        lock (_gate)
        {
            _reasons ??= [];
            if (!_reasons.Contains(reason))
            {
                _reasons.Add(reason);
            }
        }
    }

    /// <summary>
    /// Adds what a failed store read says about the store itself: <see cref="CircuitOpenReason"/> when the read was
    /// refused by the open circuit (the step that caught it reports its own loss separately).
    /// </summary>
    public void AddStoreFault(Exception? error)
    {
        if (error is BrokenCircuitException || error?.GetBaseException() is BrokenCircuitException)
        {
            AddReason(CircuitOpenReason);
        }
    }

    /// <summary>The reasons added so far.</summary>
    public IReadOnlyList<string> Reasons()
    {
        lock (_gate)
        {
            return _reasons is null ? [] : [.. _reasons];
        }
    }

    /// <summary>
    /// The time budget a step of this call may spend: <paramref name="budget"/>, but never past the call's deadline
    /// less a reserve (a fifth of what remains, at most 100 ms) left to build and send the answer. Zero when the deadline
    /// has passed.
    /// </summary>
    public TimeSpan LimitOf(TimeSpan budget)
    {
        if (DeadlineUtc == DateTime.MaxValue)
        {
            return budget;
        }

        var remaining = DeadlineUtc - Wall.GetUtcNow().UtcDateTime;
        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var reserve = TimeSpan.FromTicks(Math.Min(remaining.Ticks / 5, TimeSpan.FromMilliseconds(100).Ticks));
        var usable = remaining - reserve;
        return usable < budget ? usable : budget;
    }
}
