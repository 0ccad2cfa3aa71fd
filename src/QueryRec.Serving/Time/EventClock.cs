namespace QueryRec.Serving.Time;

/// <summary>
/// The pipeline's event time: what "now" is for events, real-time signals, decay, trending windows and ranking
/// features. Live, it is the wall clock; in a replay (<see cref="ClockOptions.Replay"/>) it is a
/// <see cref="ReplayClock"/> that follows the replayed stream. Deadlines, budgets, timers, caches and logs use the
/// wall clock (the injected <see cref="TimeProvider"/>), never this one.
/// </summary>
public sealed class EventClock
{
    private EventClock(TimeProvider time, ReplayClock? replay)
    {
        Time = time;
        Replay = replay;
    }

    /// <summary>Event time as a <see cref="TimeProvider"/>, for stores that take one (only its "now" differs from the wall).</summary>
    public TimeProvider Time { get; }

    /// <summary>The replay clock when replaying; null on a live service.</summary>
    public ReplayClock? Replay { get; }

    /// <summary>The current event time.</summary>
    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Event time is the wall clock <paramref name="wall"/>.</summary>
    public static EventClock Live(TimeProvider wall) => new(wall, null);

    /// <summary>Event time follows <paramref name="replay"/>.</summary>
    public static EventClock ForReplay(ReplayClock replay) => new(replay, replay);
}
