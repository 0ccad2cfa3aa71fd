using Microsoft.Extensions.Diagnostics.HealthChecks;
using QueryRec.Serving.Index;

namespace QueryRec.Api.HealthChecks;

/// <summary>Ready once an index version is loaded.</summary>
internal sealed class IndexReadyHealthCheck(ActiveIndex activeIndex) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(activeIndex.Current is { } snapshot
            ? HealthCheckResult.Healthy($"Serving index {snapshot.Version} from the {activeIndex.Store.Name} store.")
            : HealthCheckResult.Unhealthy($"No index loaded yet from the {activeIndex.Store.Name} store."));
}
