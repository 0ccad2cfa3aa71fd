namespace QueryRec.Serving.Resilience;

/// <summary>
/// The deadline of one pipeline call and the degraded reasons gathered while it runs. The pipeline passes it in the
/// call's <see cref="Pipeline.RequestContext"/>; it is also current (<see cref="Current"/>) for the call's async flow,
/// because the store decorators that add reasons (<c>store_circuit_open</c>, <c>store_fallback:*</c>) sit behind
/// storage interfaces that carry no call state. Null outside a call (background work).
/// </summary>
internal sealed class CallScope
{
    private static readonly AsyncLocal<CallScope?> Ambient = new();

    private readonly Lock _gate = new();
    private List<string>? _reasons;

    private CallScope(DateTime deadlineUtc, TimeProvider wall)
    {
        DeadlineUtc = deadlineUtc;
        Wall = wall;
    }

    /// <summary>The scope of the call in flight, or null.</summary>
    public static CallScope? Current => Ambient.Value;

    /// <summary>The call's deadline (UTC; <see cref="DateTime.MaxValue"/> when it has none).</summary>
    public DateTime DeadlineUtc { get; }

    /// <summary>The wall clock the deadline is measured on.</summary>
    public TimeProvider Wall { get; }

    /// <summary>Opens the scope of a call; dispose it when the call ends.</summary>
    public static Restorer Begin(DateTime deadlineUtc, TimeProvider wall)
    {
        var previous = Ambient.Value;
        var scope = new CallScope(deadlineUtc, wall);
        Ambient.Value = scope;
        return new Restorer(scope, previous);
    }

    /// <summary>Adds a degraded reason to the call in flight (once); does nothing outside a call.</summary>
    public static void AddReason(string reason)
    {
        if (Ambient.Value is not { } scope)
        {
            return;
        }

        lock (scope._gate)
        {
            scope._reasons ??= [];
            if (!scope._reasons.Contains(reason))
            {
                scope._reasons.Add(reason);
            }
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

    /// <summary>A scope that is not made current (its owner passes it on explicitly).</summary>
    public static CallScope Detached(DateTime deadlineUtc, TimeProvider wall) => new(deadlineUtc, wall);

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

    /// <summary>Restores the previous scope on dispose.</summary>
    internal readonly struct Restorer(CallScope scope, CallScope? previous) : IDisposable
    {
        /// <summary>The scope opened.</summary>
        public CallScope Scope => scope;

        public void Dispose() => Ambient.Value = previous;
    }
}
