using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.FunctionalTests.Suggest;
using QueryRec.ServiceDefaults;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Telemetry;

/// <summary>
/// A Suggest host with the OpenTelemetry providers on (no exporter of its own), the in-memory trace and metric
/// exporters, and every log line captured at Trace level. The ActivitySource is process-wide, so the exporter also
/// sees spans of hosts other tests run in parallel: tests select their own trace by request id.
/// </summary>
public abstract class TelemetryHost : SuggestRealtimeHost
{
    protected TelemetryHost()
    {
        ExtraSettings = new() { [TelemetryExtensions.EnabledKey] = "true" };
        ExtraServices = services =>
        {
            services.ConfigureOpenTelemetryTracerProvider(traces => traces.AddInMemoryExporter(Spans));
            services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
            services.AddSingleton<ILoggerProvider>(Logs);
            services.Configure<LoggerFilterOptions>(static o => o.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
            ConfigureMoreServices(services);
        };
    }

    /// <summary>Every finished span the host's tracer provider exported.</summary>
    public SpanCollection Spans { get; } = new();

    /// <summary>Metrics exported on a flush of the host's meter provider.</summary>
    public List<Metric> Metrics { get; } = [];

    /// <summary>Every log line of the host.</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The spans of one trace.</summary>
    public List<Activity> TraceOf(Activity span) => Spans.Where(s => s.TraceId == span.TraceId).ToList();

    /// <summary>The RPC span of the answer with this request id.</summary>
    public Activity RpcSpan(string rpc, string requestId)
        => Assert.Single(Spans, s => s.DisplayName == rpc && (s.GetTagItem("queryrec.request_id") as string) == requestId);

    protected virtual void ConfigureMoreServices(IServiceCollection services)
    {
    }
}

/// <summary>The exporter's collection: spans end on many threads while a test reads.</summary>
public sealed class SpanCollection : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item) => Snapshot().Contains(item);

    public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private List<Activity> Snapshot()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }
}

/// <summary>An embedded index and the in-process real-time store.</summary>
public sealed class EmbeddedTelemetryHost : TelemetryHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("rt-v1", Counts));
        return Task.CompletedTask;
    }
}

/// <summary>An embedded index and a real-time store that is down: answers with a user id are degraded.</summary>
public sealed class DownStoreTelemetryHost : TelemetryHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("rt-v1", Counts));
        return Task.CompletedTask;
    }

    protected override void ConfigureMoreServices(IServiceCollection services)
        => services.AddSingleton<QueryRec.Storage.Realtime.IRealtimeStore, DownRealtimeStore>();
}

/// <summary>Index and real-time store on a real redis-server started for the test class.</summary>
public sealed class RedisTelemetryHost : TelemetryHost
{
    /// <summary>The redis-server of the host.</summary>
    public RedisServerFixture Redis { get; } = new();

    /// <summary>The command timeout of the host's Redis connection.</summary>
    public const int AsyncTimeoutMs = 500;

    /// <summary>The host's key prefix.</summary>
    public string KeyPrefix { get; private set; } = string.Empty;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        await RedisTestIndex.PublishAndConfigureAsync(Redis, TestIndexes.FromQueries("rt-v1", Counts), settings);
        KeyPrefix = settings["QueryRec:Store:KeyPrefix"]!;

        // Commands time out after 500 ms (well within the 5 s Suggest budget), for the paused-server test.
        settings["QueryRec:Store:Redis"] += ",asyncTimeout=" + AsyncTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Keeps every log line: category, event, formatted message, structured values and exception.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogLine> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    /// <summary>One log line; <see cref="Text"/> holds everything it carries.</summary>
    public sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Text, Exception? Exception);

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " | " + string.Join(" | ", values.Select(static v => v.Key + "=" + v.Value));
            }

            if (exception is not null)
            {
                text += " | " + exception;
            }

            lines.Enqueue(new LogLine(category, logLevel, eventId, text, exception));
        }
    }
}
