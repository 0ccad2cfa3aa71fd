namespace QueryRec.Api.Admin;

/// <summary>Source-generated log messages of the admin service (EventIds 80 to 89).</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 80, EventName = "SubjectErased", Level = LogLevel.Information, Message = "Erased a {Kind} subject: {Records} records removed.")]
    public static partial void SubjectErased(ILogger logger, string kind, int records);
}
