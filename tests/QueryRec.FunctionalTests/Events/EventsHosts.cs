using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage.Realtime;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Events;

/// <summary>A host for ReportEvents tests: a fake clock at <see cref="Now"/>, no index, a generous store budget.</summary>
public abstract class EventsHost : IAsyncLifetime
{
    /// <summary>The host's clock; tests sharing a host never move it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Now);

    public QueryRecFactory Factory { get; private set; } = null!;

    public QueryRecService.QueryRecServiceClient Client { get; private set; } = null!;

    /// <summary>The real-time store the host writes, resolved from its container.</summary>
    public IRealtimeStore Store => Factory.Services.GetRequiredService<IRealtimeStore>();

    public virtual async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["QueryRec:Realtime:StoreBudget"] = "00:00:05",
        };
        await ConfigureAsync(settings);
        Factory = new QueryRecFactory(settings) { TestServices = services => OverrideServices(services) };
        Client = Factory.CreateClient(Factory.CreateChannel());
    }

    public virtual Task DisposeAsync()
    {
        Factory?.Dispose();
        return Task.CompletedTask;
    }

    protected virtual Task ConfigureAsync(Dictionary<string, string?> settings) => Task.CompletedTask;

    protected virtual void OverrideServices(IServiceCollection services)
        => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
}

/// <summary>The host on the embedded (in-process) stores.</summary>
public sealed class EmbeddedEventsHost : EventsHost;

/// <summary>The host on a real redis-server started for the test class.</summary>
public sealed class RedisEventsHost : EventsHost
{
    private readonly RedisServerFixture _redis = new();

    public string KeyPrefix { get; } = RedisServerFixture.NewKeyPrefix();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        await _redis.InitializeAsync();
        settings["QueryRec:Store:Redis"] = _redis.ConnectionString;
        settings["QueryRec:Store:KeyPrefix"] = KeyPrefix;
    }
}
