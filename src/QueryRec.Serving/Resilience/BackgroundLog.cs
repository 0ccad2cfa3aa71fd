namespace QueryRec.Serving.Resilience;

/// <summary>Source-generated log messages of failing and recovering background loops (EventIds 12-14).</summary>
internal static partial class BackgroundLog
{
    [LoggerMessage(EventId = 12, EventName = "BackgroundStillFailing", Level = LogLevel.Warning, Message = "{Task} still failing: {Failures} failures since {Since:O}; latest: {Error}")]
    public static partial void BackgroundStillFailing(ILogger logger, string task, int failures, DateTimeOffset since, string error);

    [LoggerMessage(EventId = 13, EventName = "BackgroundFailedAgain", Level = LogLevel.Debug, Message = "{Task} failed again ({Failures} in a row): {Error}")]
    public static partial void BackgroundFailedAgain(ILogger logger, string task, int failures, string error);

    [LoggerMessage(EventId = 14, EventName = "BackgroundRecovered", Level = LogLevel.Information, Message = "{Task} recovered after {Failures} failures over {Duration}.")]
    public static partial void BackgroundRecovered(ILogger logger, string task, int failures, TimeSpan duration);
}
