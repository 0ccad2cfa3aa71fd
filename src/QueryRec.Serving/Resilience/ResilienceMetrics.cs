using System.Diagnostics;
using System.Diagnostics.Metrics;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// The resilience instruments on the <c>QueryRec</c> meter: fallbacks served (tagged <c>kind</c>), circuit state
/// changes (tagged <c>state</c>), near-cache hits and misses, and calls shed by the concurrency limit.
/// </summary>
internal sealed class ResilienceMetrics
{
    /// <summary>Counter of answers or reads served by a fallback, tagged <c>kind</c>; the one instrument of that name (the telemetry interceptor counts through it too).</summary>
    public const string FallbackName = "queryrec.fallback";

    /// <summary>Counter of circuit breaker state changes, tagged <c>state</c> (open, half_open, closed).</summary>
    public const string CircuitStateName = "queryrec.circuit.state_changes";

    /// <summary>Counter of near-cache hits.</summary>
    public const string NearCacheHitsName = "queryrec.nearcache.hits";

    /// <summary>Counter of near-cache misses.</summary>
    public const string NearCacheMissesName = "queryrec.nearcache.misses";

    /// <summary>Counter of calls shed by the concurrency limit, tagged <c>rpc</c>.</summary>
    public const string ShedName = "queryrec.shed";

    /// <summary>Fallback kind: a near-cache entry served while the circuit was open.</summary>
    public const string KindNearCache = "nearcache";

    /// <summary>Fallback kind: the last good hot or trending list held in memory served a failed read.</summary>
    public const string KindLastGoodList = "last_good_list";

    private readonly Counter<long> _fallback;
    private readonly Counter<long> _circuit;
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _shed;

    public ResilienceMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(QueryRecTelemetry.Name);
        _fallback = meter.CreateCounter<long>(FallbackName, description: "Reads or answers served by a substitute, by kind (near-cache during an open circuit, last good list, the heuristic when the model failed, a stale list).");
        _circuit = meter.CreateCounter<long>(CircuitStateName, description: "State changes of the circuit breaker around Redis reads.");
        _hits = meter.CreateCounter<long>(NearCacheHitsName, description: "Index reads answered by the near-cache.");
        _misses = meter.CreateCounter<long>(NearCacheMissesName, description: "Index reads the near-cache did not hold.");
        _shed = meter.CreateCounter<long>(ShedName, description: "Calls refused with RESOURCE_EXHAUSTED by the concurrency limit.");
    }

    public void Fallback(string kind) => _fallback.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void CircuitState(string state)
    {
        _circuit.Add(1, new KeyValuePair<string, object?>("state", state));
        Activity.Current?.AddEvent(new ActivityEvent("queryrec.circuit." + state));
    }

    public void NearCacheHit() => _hits.Add(1);

    public void NearCacheMiss() => _misses.Add(1);

    public void Shed(string rpc) => _shed.Add(1, new KeyValuePair<string, object?>("rpc", rpc));
}
