using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace QueryRec.ServiceDefaults;

/// <summary>
/// OpenTelemetry traces and metrics of a QueryRec service. Exports over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other <c>OTEL_*</c> settings itself), to the
/// console in the Development environment when it is not, and nowhere otherwise: then no provider is registered
/// and every <c>StartActivity</c> of the service returns null. <see cref="EnabledKey"/> turns the providers on
/// without an exporter, for a host that adds its own (tests use the in-memory exporter).
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>The environment variable (or configuration key) that turns on the OTLP exporter.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// The environment variable (or configuration key) that names the service in traces and metrics
    /// (<c>service.name</c>); the service's own name when unset. Set it to tell deployments apart (e.g. per region).
    /// </summary>
    public const string ServiceNameKey = "OTEL_SERVICE_NAME";

    /// <summary>Configuration key: true registers the providers even when nothing is exported.</summary>
    public const string EnabledKey = "QueryRec:Telemetry:Enabled";

    /// <summary>
    /// Registers the tracer and meter providers when an exporter is configured or <see cref="EnabledKey"/> is true.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="serviceName">The <c>service.name</c> resource attribute, unless <see cref="ServiceNameKey"/> is set.</param>
    /// <param name="names">The service's own ActivitySource and Meter names (one name serves both).</param>
    /// <param name="tracing">Adds the service's own trace instrumentation (e.g. its Redis connection).</param>
    public static TBuilder AddTelemetryDefaults<TBuilder>(
        this TBuilder builder, string serviceName, IReadOnlyList<string> names, Action<TracerProviderBuilder>? tracing = null)
        where TBuilder : IHostApplicationBuilder
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        var console = !otlp && builder.Environment.IsDevelopment();
        if (!otlp && !console && !builder.Configuration.GetValue<bool>(EnabledKey))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                builder.Configuration[ServiceNameKey] is { Length: > 0 } configured ? configured.Trim() : serviceName))
            .WithTracing(traces =>
            {
                traces.AddSource([.. names]);

                // Request and response bodies and headers (which carry caller ids in gRPC metadata) are never
                // recorded: no enrichment hooks, exceptions as status only. Health probes are not traced.
                traces.AddAspNetCoreInstrumentation(static options =>
                {
                    options.RecordException = false;
                    options.Filter = static context => !IsHealthProbe(context.Request.Path);
                });
                tracing?.Invoke(traces);
                if (otlp)
                {
                    traces.AddOtlpExporter();
                }

                if (console)
                {
                    traces.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. names]);
                metrics.AddAspNetCoreInstrumentation();
                metrics.AddRuntimeInstrumentation();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }

                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        if (otlp)
        {
            // Log records go over OTLP too, with the trace and span ids of the call that wrote them (the console
            // logger keeps writing as configured). Only the formatted message and its structured values are sent:
            // the service's own log messages carry no raw user or device ids.
            builder.Services.AddOpenTelemetry().WithLogging(
                static logs => logs.AddOtlpExporter(),
                static options =>
                {
                    options.IncludeFormattedMessage = true;
                    options.IncludeScopes = false;
                });
        }

        return builder;
    }

    private static bool IsHealthProbe(PathString path)
        => path.StartsWithSegments("/healthz", StringComparison.Ordinal)
            || path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal);
}
