using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Time;

/// <summary>The service clock. Section <c>QueryRec:Clock</c>.</summary>
public sealed class ClockOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Clock";

    /// <summary>
    /// Replay clock (evaluation only, never in production): "now" is the newest event time accepted by
    /// <c>ReportEvents</c>, so a logged stream can be replayed through the service (see <see cref="ReplayClock"/>).
    /// </summary>
    public bool Replay { get; set; }

    /// <summary>
    /// The replay clock's "now" before any event. Unset: the active index's decay anchor (the time of the last
    /// event it was built from), or the first reported event's time when that comes first.
    /// </summary>
    public DateTimeOffset? ReplayStart { get; set; }
}

/// <summary>
/// Registered (in code, never by configuration) by the hosts allowed to run the replay clock: the indexer's in-process
/// evaluation and training host. A deployed server has none, so <c>QueryRec:Clock:Replay=true</c> there fails at start
/// instead of letting any <c>ReportEvents</c> caller move the service's "now".
/// </summary>
internal sealed class ReplayClockPermit;

/// <summary>Refuses <see cref="ClockOptions.Replay"/> in a host without a <see cref="ReplayClockPermit"/>.</summary>
internal sealed class ClockOptionsRules(bool permitted) : IValidateOptions<ClockOptions>
{
    public ValidateOptionsResult Validate(string? name, ClockOptions options)
        => options.Replay && !permitted
            ? ValidateOptionsResult.Fail($"{ClockOptions.Section}:Replay is for the indexer's in-process evaluation and training host only (evaluate, train --events); a deployed server must run on the wall clock.")
            : ValidateOptionsResult.Success;
}

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
