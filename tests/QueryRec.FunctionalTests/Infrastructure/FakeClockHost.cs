using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// A class fixture: the real host on a fake clock, with a gRPC client. Subclasses give the default settings and
/// point the host at its index (embedded file or real Redis); tests may add settings and service overrides.
/// </summary>
public abstract class FakeClockHost(DateTimeOffset now) : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(now);

    public QueryRecFactory Factory { get; private set; } = null!;

    public QueryRecService.QueryRecServiceClient Client { get; private set; } = null!;

    /// <summary>Extra settings, applied over the defaults.</summary>
    public Dictionary<string, string?> ExtraSettings { get; init; } = [];

    /// <summary>Extra service overrides (e.g. a failing real-time store).</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    public async Task InitializeAsync()
    {
        var settings = DefaultSettings();
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }

        await ConfigureAsync(settings);
        Factory = new QueryRecFactory(settings)
        {
            TestServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
                ExtraServices?.Invoke(services);
            },
        };
        Client = Factory.CreateClient(Factory.CreateChannel());
    }

    public virtual Task DisposeAsync()
    {
        Factory?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The host's settings before <see cref="ExtraSettings"/>.</summary>
    protected abstract Dictionary<string, string?> DefaultSettings();

    /// <summary>Points the host at its index.</summary>
    protected abstract Task ConfigureAsync(Dictionary<string, string?> settings);
}
