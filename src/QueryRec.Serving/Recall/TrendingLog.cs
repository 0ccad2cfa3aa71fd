namespace QueryRec.Serving.Recall;

/// <summary>Source-generated log messages of the trending list refresh (EventId 10).</summary>
internal static partial class TrendingLog
{
    [LoggerMessage(EventId = 10, EventName = "TrendingRefreshFailed", Level = LogLevel.Warning, Message = "Could not refresh trending queries from real-time store {Store}; keeping the previous list.")]
    public static partial void TrendingRefreshFailed(ILogger logger, Exception exception, string store);
}
