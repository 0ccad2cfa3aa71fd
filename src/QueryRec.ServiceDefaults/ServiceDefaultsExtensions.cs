using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace QueryRec.ServiceDefaults;

/// <summary>
/// Cross-cutting host setup shared by QueryRec services: gRPC, gRPC-Web, reflection and health
/// (liveness and readiness, over both the gRPC health service and HTTP).
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Health-check tag of checks that must pass before the service takes traffic.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Health-check tag of checks that say the process is alive.</summary>
    public const string LiveTag = "live";

    /// <summary>
    /// gRPC health service name answering liveness. The empty service name and the QueryRec service name
    /// answer readiness.
    /// </summary>
    public const string LivenessServiceName = "liveness";

    /// <summary>
    /// How often the health checks run. Probes (gRPC and HTTP) answer from the last run, so a readiness change (the
    /// index loaded) shows within this period, and a probe storm runs no check at all.
    /// </summary>
    public static readonly TimeSpan HealthPublishPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Adds gRPC with gRPC-Web, reflection and health checks, which run on a timer and are read by probes.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, params string[] readinessServiceNames)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddGrpcReflection();
        builder.Services.AddHealthChecks()
            .AddCheck("self", static () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.Configure<HealthCheckPublisherOptions>(static options =>
        {
            // The first run is InitialHealthPublish's, at start; the timer takes over one period later.
            options.Delay = HealthPublishPeriod;
            options.Period = HealthPublishPeriod;
        });
        // The framework logs every unhealthy check at Error: with a run every second that is a line a second while no
        // index is loaded, whatever the probes do. In code, not in appsettings.json, so that a server started outside
        // its content root is quiet too; a more specific category in configuration (…HealthChecks.DefaultHealthCheckService)
        // still brings them back.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        builder.Services.TryAddSingleton<HealthReportCache>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHealthCheckPublisher, HealthReportCache>(static s => s.GetRequiredService<HealthReportCache>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InitialHealthPublish>());
        builder.Services.AddGrpcHealthChecks(options =>
        {
            options.UseHealthChecksCache = true;
            options.Services.Map(string.Empty, static r => r.Tags.Contains(ReadyTag));
            options.Services.Map(LivenessServiceName, static r => r.Tags.Contains(LiveTag));
            foreach (var name in readinessServiceNames)
            {
                options.Services.Map(name, static r => r.Tags.Contains(ReadyTag));
            }
        });
        return builder;
    }

    /// <summary>
    /// Setting that maps the gRPC reflection service. Default: on in the Development environment only, since
    /// reflection lists every method and message of the public port to anyone who can reach it.
    /// </summary>
    public const string ReflectionSetting = "QueryRec:Grpc:Reflection";

    /// <summary>
    /// Maps reflection (when <see cref="ReflectionSetting"/> allows it), the gRPC health service, and HTTP health
    /// endpoints (<c>/healthz/live</c>, <c>/healthz/ready</c>).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool?>(ReflectionSetting) ?? app.Environment.IsDevelopment())
        {
            app.MapGrpcReflectionService();
        }

        app.MapGrpcHealthChecksService();
        // Any method, as MapHealthChecks answered: probes use GET, some load balancers HEAD.
        var cache = app.Services.GetRequiredService<HealthReportCache>();
        app.Map("/healthz/live", new RequestDelegate(context => cache.WriteAsync(context, LiveTag)));
        app.Map("/healthz/ready", new RequestDelegate(context => cache.WriteAsync(context, ReadyTag)));
        return app;
    }

    /// <summary>Enables gRPC-Web for every gRPC service mapped after this call.</summary>
    public static WebApplication UseGrpcWebDefaults(this WebApplication app)
    {
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        return app;
    }
}
