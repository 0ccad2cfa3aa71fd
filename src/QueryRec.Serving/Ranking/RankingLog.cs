namespace QueryRec.Serving.Ranking;

/// <summary>
/// Source-generated log messages of the learned ranker's model host. EventIds 60–69 belong to the ranking model; an
/// EventId names one message across QueryRec (the resilience layer has 50–53).
/// </summary>
internal static partial class RankingLog
{
    [LoggerMessage(EventId = 60, EventName = "RankingModelActivated", Level = LogLevel.Information, Message = "Ranking model {Version} from {Path} is now serving (previous {Previous}).")]
    public static partial void ModelActivated(ILogger logger, string version, string path, string? previous);

    [LoggerMessage(EventId = 61, EventName = "RankingModelRefused", Level = LogLevel.Error, Message = "Refused the ranking model from {Path}; still serving {Version}.")]
    public static partial void ModelRefused(ILogger logger, Exception exception, string path, string? version);

    [LoggerMessage(EventId = 62, EventName = "RankingModelSourceFailed", Level = LogLevel.Warning, Message = "Could not read the ranking model source; still serving {Version}.")]
    public static partial void ModelSourceFailed(ILogger logger, Exception exception, string? version);

    [LoggerMessage(EventId = 63, EventName = "RankingModelMissing", Level = LogLevel.Warning, Message = "The ranking model of {Source} is not readable yet; still serving {Version}.")]
    public static partial void ModelMissing(ILogger logger, string source, string? version);

    [LoggerMessage(EventId = 64, EventName = "RankingModelCleared", Level = LogLevel.Information, Message = "No ranking model is published or carried by the index; model {Previous} stopped serving, the heuristic ranks.")]
    public static partial void ModelCleared(ILogger logger, string previous);

    [LoggerMessage(EventId = 65, EventName = "DiscoveryModelActivated", Level = LogLevel.Information, Message = "Discover ranking model {Version} from {Path} is now serving.")]
    public static partial void DiscoveryModelActivated(ILogger logger, string version, string path);

    [LoggerMessage(EventId = 66, EventName = "DiscoveryModelRefused", Level = LogLevel.Error, Message = "Refused the Discover ranking model from {Path}; the heuristic orders RELATED and REFINE (degraded).")]
    public static partial void DiscoveryModelRefused(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 67, EventName = "DiscoveryModelMissing", Level = LogLevel.Warning, Message = "The Discover ranking model {Path} does not exist; the heuristic orders RELATED and REFINE (degraded).")]
    public static partial void DiscoveryModelMissing(ILogger logger, string path);
}
