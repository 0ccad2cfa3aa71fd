namespace QueryRec.Serving.Index;

/// <summary>Source-generated log messages of index activation, refresh, the index file and the typo-tolerant matcher (EventIds 1-5, 40-49).</summary>
internal static partial class IndexLog
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

    [LoggerMessage(EventId = 40, EventName = "FuzzyVocabularyBuilt", Level = LogLevel.Information, Message = "Typo-tolerant matcher of index version {Version} ready: {Texts} texts, {Nodes} trie nodes, built in {ElapsedMs:F0} ms.")]
    public static partial void FuzzyVocabularyBuilt(ILogger logger, string version, int texts, int nodes, double elapsedMs);

    [LoggerMessage(EventId = 41, EventName = "FuzzyVocabularyFailed", Level = LogLevel.Warning, Message = "Could not build the typo-tolerant matcher of index version {Version}; it serves without typo tolerance.")]
    public static partial void FuzzyVocabularyFailed(ILogger logger, Exception exception, string version);
}
