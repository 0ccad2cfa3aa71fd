namespace QueryRec.Serving.Resilience;

/// <summary>Source-generated log messages of the resilience layer.</summary>
internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 50, EventName = "CircuitOpened", Level = LogLevel.Warning, Message = "Redis reads failing: circuit opened for {BreakMs:F0} ms; reads fail fast and answers are degraded.")]
    public static partial void CircuitOpened(ILogger logger, Exception? exception, double breakMs);

    [LoggerMessage(EventId = 51, EventName = "CircuitClosed", Level = LogLevel.Information, Message = "Redis reads recovered: circuit closed.")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 52, EventName = "CallShed", Level = LogLevel.Debug, Message = "Call {Method} shed by the concurrency limit.")]
    public static partial void CallShed(ILogger logger, string method);

    [LoggerMessage(EventId = 53, EventName = "LastGoodListServed", Level = LogLevel.Warning, Message = "Redis read of list {Key} failed; the last good copy (index version {Version}) was served.")]
    public static partial void LastGoodListServed(ILogger logger, Exception exception, string key, string version);
}
