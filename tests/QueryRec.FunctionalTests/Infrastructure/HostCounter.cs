using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Serving.Telemetry;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// Sums one counter of the <c>QueryRec</c> meter of one host only: the host's meter factory is the meter's scope, so
/// hosts of tests running in parallel are not counted. Optionally only measurements carrying one tag value.
/// </summary>
internal sealed class HostCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    /// <param name="factory">The host whose counter is read.</param>
    /// <param name="instrumentName">The counter, e.g. <see cref="QueryRecInstrumentation.ModelRefusedName"/>.</param>
    /// <param name="tag">When set, only measurements with this tag and value are counted.</param>
    public HostCounter(QueryRecFactory factory, string instrumentName, KeyValuePair<string, string>? tag = null)
        : this(factory.Services, instrumentName, tag)
    {
    }

    /// <param name="services">The services of the host whose counter is read (e.g. <see cref="LoopbackApi.Services"/>).</param>
    /// <param name="instrumentName">The counter.</param>
    /// <param name="tag">When set, only measurements with this tag and value are counted.</param>
    public HostCounter(IServiceProvider services, string instrumentName, KeyValuePair<string, string>? tag = null)
    {
        var scope = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == instrumentName && instrument.Meter.Name == QueryRecTelemetry.Name
                && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            if (tag is not { } wanted || Carries(tags, wanted))
            {
                Interlocked.Add(ref _count, value);
            }
        });
        _listener.Start();
    }

    /// <summary>The sum so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Counts the models refused by one host (<c>queryrec.ranking.model_refused</c>).</summary>
    public static HostCounter RefusedModels(QueryRecFactory factory) => new(factory, QueryRecInstrumentation.ModelRefusedName);

    public void Dispose() => _listener.Dispose();

    private static bool Carries(ReadOnlySpan<KeyValuePair<string, object?>> tags, KeyValuePair<string, string> wanted)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == wanted.Key && Equals(tag.Value, wanted.Value))
            {
                return true;
            }
        }

        return false;
    }
}
