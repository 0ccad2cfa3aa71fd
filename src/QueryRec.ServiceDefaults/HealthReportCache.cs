using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace QueryRec.ServiceDefaults;

/// <summary>
/// The last health report the health-check publisher produced, which the HTTP probes (<c>/healthz/live</c>,
/// <c>/healthz/ready</c>) answer from, as the gRPC health service answers from its own copy: a probe reads a field
/// instead of running every check, so a probe storm costs what a no-op call costs. The report is at most one
/// publisher period old (<see cref="ServiceDefaultsExtensions.HealthPublishPeriod"/>).
/// </summary>
internal sealed class HealthReportCache : IHealthCheckPublisher
{
    private volatile HealthReport? _latest;

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        _latest = report;
        return Task.CompletedTask;
    }

    /// <summary>
    /// Answers like the framework's health-check middleware (the status name as text; 200 when healthy or degraded,
    /// 503 when unhealthy), over the published entries tagged <paramref name="tag"/>. Before the first publish the
    /// answer is Unhealthy: nothing has been checked yet.
    /// </summary>
    public Task WriteAsync(HttpContext context, string tag)
    {
        var status = Status(_latest, tag);
        context.Response.StatusCode = status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain";
        // As the framework's middleware: a probe must never be answered from an HTTP cache.
        context.Response.Headers.CacheControl = "no-store, no-cache";
        return context.Response.WriteAsync(status.ToString(), context.RequestAborted);
    }

    private static HealthStatus Status(HealthReport? report, string tag)
    {
        if (report is null)
        {
            return HealthStatus.Unhealthy;
        }

        var status = HealthStatus.Healthy;
        foreach (var entry in report.Entries.Values)
        {
            if (entry.Tags.Contains(tag) && entry.Status < status)
            {
                status = entry.Status;
            }
        }

        return status;
    }
}
