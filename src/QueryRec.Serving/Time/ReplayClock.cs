namespace QueryRec.Serving.Time;

/// <summary>
/// A <see cref="TimeProvider"/> whose "now" follows a replayed event stream: it only moves forward, to the newest
/// event time <c>ReportEvents</c> accepts (<see cref="AdvanceTo"/>). Only <see cref="GetUtcNow"/> is replaced:
/// timers, timestamps and therefore every time budget stay on the real clock. Until it is started (by
/// <see cref="ClockOptions.ReplayStart"/>, the index anchor or the first event) it reports the wall clock.
/// </summary>
public sealed class ReplayClock : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now;
    private bool _started;

    /// <summary>Creates a replay clock, started at <paramref name="start"/> when given.</summary>
    public ReplayClock(DateTimeOffset? start = null)
    {
        if (start is { } s)
        {
            _now = s.ToUniversalTime();
            _started = true;
        }
    }

    /// <summary>Whether the clock has a replay time yet.</summary>
    public bool IsStarted
    {
        get
        {
            lock (_gate)
            {
                return _started;
            }
        }
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _started ? _now : System.GetUtcNow();
        }
    }

    /// <summary>
    /// Moves "now" to <paramref name="time"/> when that is later (the first call starts the clock at it); never moves
    /// backwards. Returns the resulting "now".
    /// </summary>
    public DateTimeOffset AdvanceTo(DateTimeOffset time)
    {
        lock (_gate)
        {
            if (!_started || time > _now)
            {
                _now = time.ToUniversalTime();
                _started = true;
            }

            return _now;
        }
    }

    /// <summary>Starts the clock at <paramref name="time"/> unless it has started already.</summary>
    public void StartAt(DateTimeOffset time)
    {
        lock (_gate)
        {
            if (!_started)
            {
                _now = time.ToUniversalTime();
                _started = true;
            }
        }
    }
}
