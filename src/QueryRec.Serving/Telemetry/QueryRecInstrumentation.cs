using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Index;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Resilience;

namespace QueryRec.Serving.Telemetry;

/// <summary>
/// Owns QueryRec's metric instruments on the meter "QueryRec" (created through <see cref="IMeterFactory"/>, so each
/// host has its own) and hashes caller ids for traces and logs.
/// <list type="bullet">
/// <item><c>queryrec.rpc.duration</c> (s): histogram per call, tagged rpc, stage, arm, status.</item>
/// <item><c>queryrec.degraded</c>: counter, one per degraded reason of an answer, tagged rpc and reason.</item>
/// <item><c>queryrec.fallback</c>: counter of substitutes served, tagged kind (e.g. <c>heuristic</c> when the model failed).</item>
/// <item><c>queryrec.index.active</c> and <c>queryrec.model.active</c>: info gauges, 1 for the serving version (tag version).</item>
/// </list>
/// </summary>
internal sealed class QueryRecInstrumentation
{
    /// <summary>Name of the latency histogram.</summary>
    public const string DurationName = "queryrec.rpc.duration";

    /// <summary>Name of the degraded-answer counter.</summary>
    public const string DegradedName = "queryrec.degraded";

    /// <summary>Name of the fallback counter.</summary>
    public const string FallbackName = ResilienceMetrics.FallbackName;

    /// <summary>Name of the active-index info gauge.</summary>
    public const string IndexActiveName = "queryrec.index.active";

    /// <summary>Name of the active-model info gauge.</summary>
    public const string ModelActiveName = "queryrec.model.active";

    /// <summary>The arm tag of a call outside every experiment.</summary>
    public const string NoArm = "none";

    // Buckets for an autocomplete service: 1 ms to 2.5 s.
    private static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5];

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _degraded;
    private readonly ResilienceMetrics _resilience;
    private readonly byte[] _salt;

    public QueryRecInstrumentation(IMeterFactory meterFactory, IOptions<TelemetryOptions> options, ActiveIndex activeIndex, RankingModelHost models, ResilienceMetrics resilience)
    {
        _resilience = resilience;
        _salt = Encoding.UTF8.GetBytes(options.Value.UserHashSalt);
        var meter = meterFactory.Create(QueryRecTelemetry.Name);
        _duration = meter.CreateHistogram(
            DurationName,
            unit: "s",
            description: "Duration of QueryRec RPCs, by rpc, stage, experiment arm and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _degraded = meter.CreateCounter<long>(DegradedName, description: "Degraded answers, one per degraded reason, by rpc and reason.");
        meter.CreateObservableGauge(
            IndexActiveName,
            () => activeIndex.Current is { } index ? [new Measurement<int>(1, new KeyValuePair<string, object?>("version", index.Version))] : Array.Empty<Measurement<int>>(),
            description: "1 for the index version being served (tag version); no point while no index is loaded.");
        meter.CreateObservableGauge(
            ModelActiveName,
            () => new Measurement<int>(1, new KeyValuePair<string, object?>("version", models.CurrentVersion ?? HeuristicScorer.ModelVersion)),
            description: "1 for the ranking model version being served (tag version); the heuristic's version when no model is loaded.");
    }

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

    /// <summary>Counts one answer served with a substitute of the given kind.</summary>
    public void RecordFallback(string kind) => _resilience.Fallback(kind);

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
}
