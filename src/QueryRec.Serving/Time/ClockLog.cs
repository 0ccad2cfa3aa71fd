namespace QueryRec.Serving.Time;

/// <summary>Source-generated log messages of the event clock (EventId 11).</summary>
internal static partial class ClockLog
{
    [LoggerMessage(EventId = 11, EventName = "ReplayClockOn", Level = LogLevel.Warning, Message = "Replay clock on (QueryRec:Clock:Replay, start {Start:O}): \"now\" is the newest reported event time. For evaluation only, never in production.")]
    public static partial void ReplayClockOn(ILogger logger, DateTimeOffset? start);
}
