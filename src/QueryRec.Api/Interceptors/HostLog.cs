namespace QueryRec.Api.Interceptors;

/// <summary>Source-generated log messages of the gRPC host (EventId 6).</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 6, EventName = "UnhandledRpcException", Level = LogLevel.Error, Message = "Unhandled exception in {Method}.")]
    public static partial void UnhandledRpcException(ILogger logger, Exception exception, string method);
}
