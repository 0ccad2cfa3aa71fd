using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace QueryRec.ServiceDefaults;

/// <summary>
/// Runs the health checks once when the host has started and hands the report to every publisher, so the cached
/// answers of the health service and the HTTP probes exist from the first request on instead of one publisher delay
/// later (the gRPC health service answers NOT_FOUND for a service it has no published status for). It runs after
/// every hosted service's start, so what those load at start (the embedded index) is already seen.
/// </summary>
internal sealed class InitialHealthPublish(HealthCheckService healthChecks, IEnumerable<IHealthCheckPublisher> publishers) : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var report = await healthChecks.CheckHealthAsync(cancellationToken);
        foreach (var publisher in publishers)
        {
            await publisher.PublishAsync(report, cancellationToken);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
