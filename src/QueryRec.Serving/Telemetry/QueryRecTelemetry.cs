using System.Diagnostics;
using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Telemetry;

/// <summary>
/// The one <see cref="ActivitySource"/> of QueryRec ("QueryRec", the name of the meter too) and the names of its
/// spans and attributes. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null when nothing
/// listens (no exporter configured): callers build no strings and set no tags then.
/// </summary>
internal static class QueryRecTelemetry
{
    /// <summary>The name of QueryRec's ActivitySource and of its meter.</summary>
    public const string Name = "QueryRec";

    /// <summary>The service name reported as <c>service.name</c>.</summary>
    public const string ServiceName = "queryrec";

    /// <summary>The source of every QueryRec span.</summary>
    public static readonly ActivitySource Source = new(Name);

    /// <summary>Span names: one per pipeline step. RPC spans are named after the RPC (<c>Suggest</c>, ...).</summary>
    public static class Spans
    {
        /// <summary>Validation and normalization of the request.</summary>
        public const string Normalize = "normalize";

        /// <summary>One recall round; its children are one span per source and the merge.</summary>
        public const string Recall = "recall";

        /// <summary>Suggest's fallback recall round (homophones, any-order infix, typo tolerance).</summary>
        public const string RecallFallback = "recall.fallback";

        /// <summary>Prefix of the span of one recall source: <c>recall.{source}</c>.</summary>
        public const string RecallSourcePrefix = "recall.";

        /// <summary>Merging the sources' candidates by normalized text.</summary>
        public const string Merge = "merge";

        /// <summary>
        /// Suggest: reading whether the caller's subject has any recent query or viewed item, before the response
        /// cache is asked (only when this instance does not know it yet).
        /// </summary>
        public const string HistoryCheck = "history.check";

        /// <summary>Session features and the model's feature batch.</summary>
        public const string Features = "features";

        /// <summary>Scoring by the model or the heuristic.</summary>
        public const string Rank = "rank";

        /// <summary>The rerank stage; browse strategies add one child per step: <c>rerank.{step}</c>.</summary>
        public const string Rerank = "rerank";

        /// <summary>Prefix of the span of one rerank step.</summary>
        public const string RerankStepPrefix = "rerank.";

        /// <summary>ReportEvents: validating the batch's events.</summary>
        public const string Validate = "validate";

        /// <summary>ReportEvents: the real-time store write.</summary>
        public const string Store = "store";
    }

    /// <summary>Span attribute names.</summary>
    public static class Attributes
    {
        public const string Rpc = "queryrec.rpc";
        public const string Stage = "queryrec.stage";
        public const string Scene = "queryrec.scene";
        public const string Arm = "queryrec.arm";
        public const string IndexVersion = "queryrec.index_version";
        public const string ModelVersion = "queryrec.model_version";
        public const string Strategy = "queryrec.strategy";
        public const string RequestId = "queryrec.request_id";
        public const string Degraded = "queryrec.degraded";
        public const string DegradedReason = "queryrec.degraded_reason";
        public const string UserHash = "queryrec.user_hash";
        public const string DeviceHash = "queryrec.device_hash";
        public const string Source = "queryrec.source";
        public const string Step = "queryrec.step";

        /// <summary>Candidates of one source (source span) or of one recall round after merge (recall and merge spans).</summary>
        public const string Candidates = "queryrec.candidates";

        /// <summary>Items returned to the caller (RPC span); accepted events for ReportEvents.</summary>
        public const string Returned = "queryrec.returned";

        /// <summary>The events of a ReportEvents batch.</summary>
        public const string Events = "queryrec.events";

        /// <summary>The gRPC status code name of the call.</summary>
        public const string Status = "queryrec.status";

        /// <summary>A Suggest call without personal signal: <c>hit</c> (answered from the response cache) or <c>miss</c>.</summary>
        public const string ResponseCache = "queryrec.response_cache";
    }

    /// <summary>Starts the span of one recall source, building its name only when someone listens.</summary>
    public static Activity? StartRecallSource(string source)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(Spans.RecallSourcePrefix + source);
        activity?.SetTag(Attributes.Source, source);
        return activity;
    }

    /// <summary>Starts the span of one rerank step, building its name only when someone listens.</summary>
    public static Activity? StartRerankStep(string step)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(Spans.RerankStepPrefix + step);
        activity?.SetTag(Attributes.Step, step);
        return activity;
    }

    /// <summary>Marks a span failed with the exception's type only (messages may carry data; no stack traces).</summary>
    public static void Fail(Activity? activity, Exception exception)
        => activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);

    /// <summary>The stage as a bounded tag value: the enum name in snake case, "unknown" for an undefined value.</summary>
    public static string TagOf(Stage stage) => stage switch
    {
        Stage.Unspecified => "unspecified",
        Stage.BeforeSearch => "before_search",
        Stage.InSearch => "in_search",
        Stage.Browsing => "browsing",
        _ => "unknown",
    };

    /// <summary>The scene as a bounded tag value: the enum name in snake case, "unknown" for an undefined value.</summary>
    public static string TagOf(Scene scene) => scene switch
    {
        Scene.Unspecified => "unspecified",
        Scene.Home => "home",
        Scene.Channel => "channel",
        Scene.SearchResult => "search_result",
        Scene.Category => "category",
        Scene.Item => "item",
        _ => "unknown",
    };
}
