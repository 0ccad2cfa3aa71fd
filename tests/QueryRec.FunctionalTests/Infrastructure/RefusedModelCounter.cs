using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Api.Ranking;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// Counts <c>queryrec.ranking.model_refused</c> (<see cref="RankingModelHost.RefusedCounterName"/>) of one host only:
/// its meter factory is the meter's scope, so hosts of tests running in parallel are not counted.
/// </summary>
internal sealed class RefusedModelCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public RefusedModelCounter(QueryRecFactory factory)
    {
        var scope = factory.Services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == RankingModelHost.RefusedCounterName && instrument.Meter.Name == RankingModelHost.MeterName
                && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
        _listener.Start();
    }

    /// <summary>The models refused so far.</summary>
    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
