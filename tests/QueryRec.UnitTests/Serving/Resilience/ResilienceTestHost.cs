using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;

namespace QueryRec.UnitTests.Serving.Resilience;

/// <summary>
/// A resilient store over a <see cref="FakeIndexStore"/>, with its own meter factory so that the counters seen are
/// this test's only.
/// </summary>
internal sealed class ResilienceTestHost : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public ResilienceTestHost(ResilienceOptions? options = null, TimeProvider? time = null)
    {
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = _services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == QueryRecTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var name = instrument.Name;
            foreach (var tag in tags)
            {
                name += "|" + tag.Key + "=" + tag.Value;
            }

            lock (_counts)
            {
                _counts[name] = _counts.GetValueOrDefault(name) + value;
            }
        });
        _listener.Start();

        Options = options ?? new ResilienceOptions();
        var wrapped = Microsoft.Extensions.Options.Options.Create(Options);
        Metrics = new QueryRecInstrumentation(meters, Microsoft.Extensions.Options.Options.Create(new TelemetryOptions()));
        Resilience = new StoreResilience(wrapped, Metrics, time ?? TimeProvider.System, NullLogger<StoreResilience>.Instance);
        Cache = new NearCache(wrapped, Metrics);
        Store = new ResilientIndexStore(Inner, Resilience, Cache);
    }

    public ResilienceOptions Options { get; }

    public FakeIndexStore Inner { get; } = new();

    public QueryRecInstrumentation Metrics { get; }

    public StoreResilience Resilience { get; }

    public NearCache Cache { get; }

    public ResilientIndexStore Store { get; }

    /// <summary>The sum of a counter; <paramref name="tag"/> like <c>"kind=nearcache"</c> selects one series.</summary>
    public long Count(string instrument, string? tag = null)
    {
        var name = tag is null ? instrument : instrument + "|" + tag;
        lock (_counts)
        {
            return _counts.GetValueOrDefault(name);
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
