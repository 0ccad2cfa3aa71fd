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

/// <summary>Refuses <see cref="ClockOptions.Replay"/> in a host without a <see cref="ReplayClockPermit"/>.</summary>
internal sealed class ClockOptionsRules(bool permitted) : IValidateOptions<ClockOptions>
{
    public ValidateOptionsResult Validate(string? name, ClockOptions options)
        => options.Replay && !permitted
            ? ValidateOptionsResult.Fail($"{ClockOptions.Section}:Replay is for the indexer's in-process evaluation and training host only (evaluate, train --events); a deployed server must run on the wall clock.")
            : ValidateOptionsResult.Success;
}

/// <summary>
/// Registered (in code, never by configuration) by the hosts allowed to run the replay clock: the indexer's in-process
/// evaluation and training host. A deployed server has none, so <c>QueryRec:Clock:Replay=true</c> there fails at start
/// instead of letting any <c>ReportEvents</c> caller move the service's "now".
/// </summary>
internal sealed class ReplayClockPermit;
