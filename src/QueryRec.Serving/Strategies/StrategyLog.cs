namespace QueryRec.Serving.Strategies;

/// <summary>Source-generated log messages of strategy choice and rerank steps (EventIds 30-39).</summary>
internal static partial class StrategyLog
{
    [LoggerMessage(EventId = 30, EventName = "StrategySelected", Level = LogLevel.Debug, Message = "{Rpc} at stage {Stage}, scene {Scene}: strategy {Strategy}.")]
    public static partial void StrategySelected(ILogger logger, string rpc, string stage, string scene, string strategy);

    [LoggerMessage(EventId = 31, EventName = "RerankStepFailed", Level = LogLevel.Warning, Message = "Rerank step {Step} of strategy {Strategy} failed and was skipped.")]
    public static partial void RerankStepFailed(ILogger logger, Exception exception, string step, string strategy);

    [LoggerMessage(EventId = 32, EventName = "PushStateUnavailable", Level = LogLevel.Warning, Message = "The subject's pushes sent could not be read: nothing is pushed (degraded).")]
    public static partial void PushStateUnavailable(ILogger logger, Exception exception);
}
