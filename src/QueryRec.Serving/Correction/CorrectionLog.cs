namespace QueryRec.Serving.Correction;

/// <summary>Source-generated log messages of query correction (EventIds 120-129).</summary>
internal static partial class CorrectionLog
{
    [LoggerMessage(EventId = 120, EventName = "CorrectionFailed", Level = LogLevel.Warning, Message = "Correct failed and answered no correction (degraded).")]
    public static partial void CorrectionFailed(ILogger logger, Exception exception);
}
