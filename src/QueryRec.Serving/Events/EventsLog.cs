namespace QueryRec.Serving.Events;

/// <summary>Source-generated log messages of ReportEvents and the real-time store (EventIds 7-9).</summary>
internal static partial class EventsLog
{
    [LoggerMessage(EventId = 7, EventName = "RealtimeStoreDegraded", Level = LogLevel.Warning, Message = "Real-time store {Store} failed for ReportEvents ({Reason}); the batch was answered degraded and not stored.")]
    public static partial void RealtimeStoreDegraded(ILogger logger, Exception exception, string store, string reason);

    [LoggerMessage(EventId = 8, EventName = "RealtimeForgetFailed", Level = LogLevel.Warning, Message = "Could not release {Count} event ids in real-time store {Store} after a failed write; a retry may report them as duplicates.")]
    public static partial void RealtimeForgetFailed(ILogger logger, Exception exception, string store, int count);

    [LoggerMessage(EventId = 9, EventName = "RealtimeStoreLateFailure", Level = LogLevel.Warning, Message = "A ReportEvents write that had already missed its budget failed.")]
    public static partial void RealtimeStoreLateFailure(ILogger logger, Exception exception);
}
