namespace QueryRec.Serving.Telemetry;

/// <summary>Source-generated log messages of the host.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "IndexActivated", Level = LogLevel.Information, Message = "Index version {Version} is now active (store {Store}, previous {Previous}).")]
    public static partial void IndexActivated(ILogger logger, string version, string store, string? previous);

    [LoggerMessage(EventId = 2, EventName = "IndexRefreshFailed", Level = LogLevel.Warning, Message = "Could not refresh the active index version from store {Store}; still serving {Version}.")]
    public static partial void IndexRefreshFailed(ILogger logger, Exception exception, string store, string? version);

    [LoggerMessage(EventId = 3, EventName = "IndexFileLoadFailed", Level = LogLevel.Error, Message = "Could not load the index file {Path}; still serving {Version}.")]
    public static partial void IndexFileLoadFailed(ILogger logger, Exception exception, string path, string? version);

    [LoggerMessage(EventId = 4, EventName = "SubscribeFailed", Level = LogLevel.Warning, Message = "Could not subscribe to index announcements of store {Store}; relying on polling.")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception, string store);

    [LoggerMessage(EventId = 5, EventName = "StoreReadDegraded", Level = LogLevel.Warning, Message = "Store read for {Rpc} degraded: {Reason}.")]
    public static partial void StoreReadDegraded(ILogger logger, Exception? exception, string rpc, string reason);

    [LoggerMessage(EventId = 6, EventName = "UnhandledRpcException", Level = LogLevel.Error, Message = "Unhandled exception in {Method}.")]
    public static partial void UnhandledRpcException(ILogger logger, Exception exception, string method);

    [LoggerMessage(EventId = 7, EventName = "RealtimeStoreDegraded", Level = LogLevel.Warning, Message = "Real-time store {Store} failed for ReportEvents ({Reason}); the batch was answered degraded and not stored.")]
    public static partial void RealtimeStoreDegraded(ILogger logger, Exception exception, string store, string reason);

    [LoggerMessage(EventId = 8, EventName = "RealtimeForgetFailed", Level = LogLevel.Warning, Message = "Could not release {Count} event ids in real-time store {Store} after a failed write; a retry may report them as duplicates.")]
    public static partial void RealtimeForgetFailed(ILogger logger, Exception exception, string store, int count);

    [LoggerMessage(EventId = 9, EventName = "RealtimeStoreLateFailure", Level = LogLevel.Warning, Message = "A ReportEvents write that had already missed its budget failed.")]
    public static partial void RealtimeStoreLateFailure(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, EventName = "TrendingRefreshFailed", Level = LogLevel.Warning, Message = "Could not refresh trending queries from real-time store {Store}; keeping the previous list.")]
    public static partial void TrendingRefreshFailed(ILogger logger, Exception exception, string store);

    [LoggerMessage(EventId = 11, EventName = "ReplayClockOn", Level = LogLevel.Warning, Message = "Replay clock on (QueryRec:Clock:Replay, start {Start}): \"now\" is the newest reported event time. For evaluation only, never in production.")]
    public static partial void ReplayClockOn(ILogger logger, DateTimeOffset? start);

    [LoggerMessage(EventId = 12, EventName = "BackgroundStillFailing", Level = LogLevel.Warning, Message = "{Task} still failing: {Failures} failures since {Since:O}; latest: {Error}")]
    public static partial void BackgroundStillFailing(ILogger logger, string task, int failures, DateTimeOffset since, string error);

    [LoggerMessage(EventId = 13, EventName = "BackgroundFailedAgain", Level = LogLevel.Debug, Message = "{Task} failed again ({Failures} in a row): {Error}")]
    public static partial void BackgroundFailedAgain(ILogger logger, string task, int failures, string error);

    [LoggerMessage(EventId = 14, EventName = "BackgroundRecovered", Level = LogLevel.Information, Message = "{Task} recovered after {Failures} failures over {Duration}.")]
    public static partial void BackgroundRecovered(ILogger logger, string task, int failures, TimeSpan duration);

    [LoggerMessage(EventId = 30, EventName = "StrategySelected", Level = LogLevel.Debug, Message = "{Rpc} at stage {Stage}, scene {Scene}: strategy {Strategy}.")]
    public static partial void StrategySelected(ILogger logger, string rpc, string stage, string scene, string strategy);

    [LoggerMessage(EventId = 31, EventName = "RerankStepFailed", Level = LogLevel.Warning, Message = "Rerank step {Step} of strategy {Strategy} failed and was skipped.")]
    public static partial void RerankStepFailed(ILogger logger, Exception exception, string step, string strategy);

    [LoggerMessage(EventId = 40, EventName = "FuzzyVocabularyBuilt", Level = LogLevel.Information, Message = "Typo-tolerant matcher of index version {Version} ready: {Texts} texts, {Nodes} trie nodes, built in {ElapsedMs:F0} ms.")]
    public static partial void FuzzyVocabularyBuilt(ILogger logger, string version, int texts, int nodes, double elapsedMs);

    [LoggerMessage(EventId = 41, EventName = "FuzzyVocabularyFailed", Level = LogLevel.Warning, Message = "Could not build the typo-tolerant matcher of index version {Version}; it serves without typo tolerance.")]
    public static partial void FuzzyVocabularyFailed(ILogger logger, Exception exception, string version);
}
