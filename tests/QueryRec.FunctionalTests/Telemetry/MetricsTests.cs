using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Telemetry;

namespace QueryRec.FunctionalTests.Telemetry;

/// <summary>
/// Issue 7, metrics: calls are recorded in <c>queryrec.rpc.duration</c> with rpc, stage, arm and status tags, each
/// degraded reason counts once in <c>queryrec.degraded</c>, and the meter "QueryRec" is exported by the host's
/// meter provider. Measurements are read through a listener scoped to this host's meter factory, so calls of
/// hosts other tests run in parallel are not counted.
/// </summary>
public sealed class MetricsTests(DownStoreTelemetryHost host) : IClassFixture<DownStoreTelemetryHost>
{
    [Fact]
    public async Task Calls_AreRecordedWithTags_AndDegradedAnswersAreCounted()
    {
        using var measurements = new HostMeasurements(host);

        var plain = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", Stage = Stage.InSearch });
        Assert.DoesNotContain("source_error:history", plain.Metadata.DegradedReasons);
        Assert.Equal(0, measurements.Sum(QueryRecInstrumentation.DegradedName, ("rpc", "Suggest"), ("reason", "source_error:history")));

        // The real-time store is down: a caller with a user id gets a degraded answer.
        var degraded = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = "metrics-user", Stage = Stage.InSearch });
        Assert.Contains("source_error:history", degraded.Metadata.DegradedReasons);
        Assert.Equal(1, measurements.Sum(QueryRecInstrumentation.DegradedName, ("rpc", "Suggest"), ("reason", "source_error:history")));

        await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await host.Client.SuggestAsync(new SuggestRequest { Prefix = "" }));
        await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { Stage = Stage.BeforeSearch });

        Assert.Equal(2, measurements.Count(QueryRecInstrumentation.DurationName, ("rpc", "Suggest"), ("stage", "in_search"), ("arm", "none"), ("status", "OK")));
        Assert.Equal(1, measurements.Count(QueryRecInstrumentation.DurationName, ("rpc", "Suggest"), ("stage", "unspecified"), ("arm", "none"), ("status", "INVALID_ARGUMENT")));
        Assert.Equal(1, measurements.Count(QueryRecInstrumentation.DurationName, ("rpc", "GetShadingWords"), ("stage", "before_search"), ("arm", "none"), ("status", "OK")));
        Assert.All(measurements.Values(QueryRecInstrumentation.DurationName), v => Assert.True(v > 0));

        // The OpenTelemetry meter provider exports the meter "QueryRec": the histogram and the version gauges.
        Assert.True(host.Factory.Services.GetRequiredService<MeterProvider>().ForceFlush());
        var exported = host.Metrics.ToList();
        var duration = Assert.Single(exported, m => m.Name == QueryRecInstrumentation.DurationName && m.MeterName == QueryRecTelemetry.Name);
        Assert.Contains(Points(duration), p => Tag(p, "rpc") == "Suggest" && Tag(p, "stage") == "in_search" && Tag(p, "arm") == "none" && p.GetHistogramCount() > 0);
        var index = Assert.Single(exported, m => m.Name == QueryRecInstrumentation.IndexActiveName);
        Assert.Contains(Points(index), p => Tag(p, "version") == "rt-v1" && p.GetGaugeLastValueLong() == 1);
        var model = Assert.Single(exported, m => m.Name == QueryRecInstrumentation.ModelActiveName);
        Assert.Contains(Points(model), p => Tag(p, "version") == degraded.Metadata.ModelVersion && p.GetGaugeLastValueLong() == 1);
        Assert.Contains(exported, m => m.Name == QueryRecInstrumentation.DegradedName);
    }

    private static List<MetricPoint> Points(Metric metric)
    {
        var points = new List<MetricPoint>();
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            points.Add(point);
        }

        return points;
    }

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    /// <summary>The measurements of the QueryRec meter of one host.</summary>
    private sealed class HostMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, Dictionary<string, object?> Tags)> _seen = new();

        public HostMeasurements(TelemetryHost host)
        {
            var scope = host.Factory.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == QueryRecTelemetry.Name && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _listener.Start();
        }

        /// <summary>How many measurements of the instrument carry the tags.</summary>
        public int Count(string name, params (string Key, string Value)[] tags)
            => _seen.Count(m => m.Name == name && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v as string == t.Value));

        /// <summary>The sum of the counter's increments that carry the tags.</summary>
        public double Sum(string name, params (string Key, string Value)[] tags)
            => _seen.Where(m => m.Name == name && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v as string == t.Value)).Sum(static m => m.Value);

        public IEnumerable<double> Values(string name) => _seen.Where(m => m.Name == name).Select(static m => m.Value);

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            _seen.Enqueue((instrument.Name, value, copy));
        }
    }
}
