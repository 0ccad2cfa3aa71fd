using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Ranking;

namespace QueryRec.Serving.Telemetry;

/// <summary>
/// The one owner of QueryRec's metric instruments, all on the meter <see cref="QueryRecTelemetry.Name"/> (created
/// through <see cref="IMeterFactory"/>, so each host has its own), and the hash of caller ids for traces and logs.
/// Components report through its methods; none creates an instrument of its own.
/// <list type="bullet">
/// <item><c>queryrec.rpc.duration</c> (s): histogram per call, tagged rpc, stage, arm, status.</item>
/// <item><c>queryrec.degraded</c>: one per degraded reason of an answer, tagged rpc and reason.</item>
/// <item><c>queryrec.fallback</c>: substitutes served, tagged kind (near-cache, last good list, the heuristic when the model failed).</item>
/// <item><c>queryrec.circuit.state_changes</c>, <c>queryrec.nearcache.hits</c> / <c>misses</c>, <c>queryrec.shed</c>: the resilience layer.</item>
/// <item><c>queryrec.suggest.cache.hits</c> / <c>misses</c>: the Suggest response cache.</item>
/// <item><c>queryrec.requests.malformed</c>: calls whose body was not one well-formed gRPC message, tagged cause.</item>
/// <item><c>queryrec.ranking.model_refused</c>, <c>queryrec.experiments.reload_refused</c>: refused models and experiment reloads.</item>
/// <item><c>queryrec.index.active</c>, <c>queryrec.model.active</c> (1 for the serving version, tag version) and
/// <c>queryrec.experiments.generation</c>: gauges read from the sources given to <see cref="Observe"/>.</item>
/// </list>
/// </summary>
internal sealed class QueryRecInstrumentation
{
    public const string DurationName = "queryrec.rpc.duration";
    public const string DegradedName = "queryrec.degraded";
    public const string FallbackName = "queryrec.fallback";
    public const string CircuitStateName = "queryrec.circuit.state_changes";
    public const string NearCacheHitsName = "queryrec.nearcache.hits";
    public const string NearCacheMissesName = "queryrec.nearcache.misses";
    public const string ShedName = "queryrec.shed";
    public const string ResponseCacheHitsName = "queryrec.suggest.cache.hits";
    public const string ResponseCacheMissesName = "queryrec.suggest.cache.misses";
    public const string MalformedName = "queryrec.requests.malformed";
    public const string ModelRefusedName = "queryrec.ranking.model_refused";
    public const string ExperimentReloadRefusedName = "queryrec.experiments.reload_refused";
    public const string ExperimentGenerationName = "queryrec.experiments.generation";
    public const string IndexActiveName = "queryrec.index.active";
    public const string ModelActiveName = "queryrec.model.active";

    /// <summary>Fallback kind: a near-cache entry served while the circuit was open.</summary>
    public const string KindNearCache = "nearcache";

    /// <summary>Fallback kind: the last good hot or trending list held in memory served a failed read.</summary>
    public const string KindLastGoodList = "last_good_list";

    /// <summary>The arm tag of a call outside every experiment.</summary>
    public const string NoArm = "none";

    // Buckets for an autocomplete service: 1 ms to 2.5 s.
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _degraded;
    private readonly Counter<long> _fallback;
    private readonly Counter<long> _circuit;
    private readonly Counter<long> _nearCacheHits;
    private readonly Counter<long> _nearCacheMisses;
    private readonly Counter<long> _shed;
    private readonly Counter<long> _responseCacheHits;
    private readonly Counter<long> _responseCacheMisses;
    private readonly Counter<long> _malformed;
    private readonly Counter<long> _modelRefused;
    private readonly Counter<long> _experimentReloadRefused;
    private readonly byte[] _salt;
    private volatile Sources? _sources;

    public QueryRecInstrumentation(IMeterFactory meterFactory, IOptions<TelemetryOptions> options)
    {
        _salt = Encoding.UTF8.GetBytes(options.Value.UserHashSalt);
        var meter = meterFactory.Create(QueryRecTelemetry.Name);
        _duration = meter.CreateHistogram(
            DurationName,
            unit: "s",
            description: "Duration of QueryRec RPCs, by rpc, stage, experiment arm and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _degraded = meter.CreateCounter<long>(DegradedName, description: "Degraded answers, one per degraded reason, by rpc and reason.");
        _fallback = meter.CreateCounter<long>(FallbackName, description: "Reads or answers served by a substitute, by kind (near-cache during an open circuit, last good list, the heuristic when the model failed, a stale list).");
        _circuit = meter.CreateCounter<long>(CircuitStateName, description: "State changes of the circuit breaker around Redis reads.");
        _nearCacheHits = meter.CreateCounter<long>(NearCacheHitsName, description: "Index reads answered by the near-cache.");
        _nearCacheMisses = meter.CreateCounter<long>(NearCacheMissesName, description: "Index reads the near-cache did not hold.");
        _shed = meter.CreateCounter<long>(ShedName, description: "Calls refused with RESOURCE_EXHAUSTED by the concurrency limit.");
        _responseCacheHits = meter.CreateCounter<long>(ResponseCacheHitsName, description: "Suggest answers served from the response cache.");
        _responseCacheMisses = meter.CreateCounter<long>(ResponseCacheMissesName, description: "Suggest calls without personal signal whose answer was not in the response cache.");
        _malformed = meter.CreateCounter<long>(MalformedName, description: "Calls refused before the gRPC library because the body was not one well-formed gRPC message, by cause (a closed set).");
        _modelRefused = meter.CreateCounter<long>(ModelRefusedName, description: "Ranking models refused because they failed to load or to validate.");
        _experimentReloadRefused = meter.CreateCounter<long>(ExperimentReloadRefusedName, description: "Experiment configuration reloads refused because they failed validation; the last good configuration stays.");
        meter.CreateObservableGauge(
            IndexActiveName,
            () => _sources?.IndexVersion() is { } version ? [new Measurement<int>(1, new KeyValuePair<string, object?>("version", version))] : Array.Empty<Measurement<int>>(),
            description: "1 for the index version being served (tag version); no point while no index is loaded.");
        meter.CreateObservableGauge(
            ModelActiveName,
            () => _sources is { } s ? [new Measurement<int>(1, new KeyValuePair<string, object?>("version", s.ModelVersion() ?? HeuristicScorer.ModelVersion))] : Array.Empty<Measurement<int>>(),
            description: "1 for the ranking model version being served (tag version); the heuristic's version when no model is loaded.");
        meter.CreateObservableGauge(
            ExperimentGenerationName,
            () => _sources is { } s ? [new Measurement<long>(s.ExperimentGeneration())] : Array.Empty<Measurement<long>>(),
            description: "The active experiment configuration generation.");
    }

    /// <summary>
    /// Gives the gauges their sources (read on every collection): the serving index version, the serving model version
    /// (null: the heuristic) and the experiment configuration generation. Set once by the composition root, which
    /// can reach the components that depend on this instance.
    /// </summary>
    public void Observe(Func<string?> indexVersion, Func<string?> modelVersion, Func<long> experimentGeneration)
        => _sources = new Sources(indexVersion, modelVersion, experimentGeneration);

    /// <summary>Records one finished call.</summary>
    public void RecordCall(string rpc, string stage, string arm, string status, TimeSpan elapsed)
    {
        var tags = new TagList
        {
            { "rpc", rpc },
            { "stage", stage },
            { "arm", arm },
            { "status", status },
        };
        _duration.Record(elapsed.TotalSeconds, in tags);
    }

    /// <summary>Counts one degraded reason of an answer.</summary>
    public void RecordDegraded(string rpc, string reason)
        => _degraded.Add(1, new KeyValuePair<string, object?>("rpc", rpc), new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Counts one read or answer served with a substitute of the given kind.</summary>
    public void RecordFallback(string kind) => _fallback.Add(1, new KeyValuePair<string, object?>("kind", kind));

    /// <summary>Counts a state change of the circuit breaker and marks it on the current span.</summary>
    public void CircuitState(string state)
    {
        _circuit.Add(1, new KeyValuePair<string, object?>("state", state));
        Activity.Current?.AddEvent(new ActivityEvent("queryrec.circuit." + state));
    }

    public void NearCacheHit() => _nearCacheHits.Add(1);

    public void NearCacheMiss() => _nearCacheMisses.Add(1);

    /// <summary>Counts a call shed by the concurrency limit.</summary>
    public void Shed(string rpc) => _shed.Add(1, new KeyValuePair<string, object?>("rpc", rpc));

    public void ResponseCacheHit() => _responseCacheHits.Add(1);

    public void ResponseCacheMiss() => _responseCacheMisses.Add(1);

    /// <summary>Counts a call whose body was not one well-formed gRPC message; <paramref name="cause"/> is from a closed set.</summary>
    public void RecordMalformed(string cause) => _malformed.Add(1, new KeyValuePair<string, object?>("cause", cause));

    public void ModelRefused() => _modelRefused.Add(1);

    public void ExperimentReloadRefused() => _experimentReloadRefused.Add(1);

    /// <summary>
    /// The salted XxHash64 of a caller id, 16 lowercase hex digits; null for an empty id. The only form in which
    /// user and device ids may appear in traces and logs.
    /// </summary>
    public string? Hash(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var hash = new XxHash64();
        hash.Append(_salt);
        hash.Append(Encoding.UTF8.GetBytes(id));
        return hash.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture);
    }

    private sealed record Sources(Func<string?> IndexVersion, Func<string?> ModelVersion, Func<long> ExperimentGeneration);
}
