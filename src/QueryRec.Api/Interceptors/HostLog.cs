namespace QueryRec.Api.Interceptors;

/// <summary>Source-generated log messages of the gRPC host (EventIds 6, 15 and 16).</summary>
internal static partial class HostLog
{
    [LoggerMessage(EventId = 6, EventName = "UnhandledRpcException", Level = LogLevel.Error, Message = "Unhandled exception in {Method}.")]
    public static partial void UnhandledRpcException(ILogger logger, Exception exception, string method);

    [LoggerMessage(EventId = 16, EventName = "StoreUnavailable", Level = LogLevel.Warning, Message = "{Method} could not write to the real-time store; answered UNAVAILABLE.")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string method);

    // Once per cause per process (the metric counts every occurrence); the reason never quotes the body.
    [LoggerMessage(EventId = 15, EventName = "MalformedGrpcMessage", Level = LogLevel.Warning, Message = "A call's body was not a well-formed gRPC message ({Cause}): {Reason} Later calls with this cause are only counted in queryrec.requests.malformed.")]
    public static partial void MalformedMessage(ILogger logger, string cause, string reason);
}
