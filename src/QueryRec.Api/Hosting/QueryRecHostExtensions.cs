using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Api.Admin;
using QueryRec.Api.HealthChecks;
using QueryRec.Api.Interceptors;
using QueryRec.Api.Services;
using QueryRec.ServiceDefaults;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Api.Hosting;

/// <summary>Registration of the QueryRec gRPC host: the serving pipeline, its interceptors, health and telemetry export.</summary>
public static class QueryRecHostExtensions
{
    /// <summary>The fully qualified gRPC service name, also a readiness name of the health service.</summary>
    public const string ServiceName = "queryrec.v1.QueryRecService";

    /// <summary>Adds everything the QueryRec gRPC service needs. Configuration is read when the services resolve.</summary>
    public static TBuilder AddQueryRec<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddQueryRecServing(builder.Configuration);
        var services = builder.Services;
        services.TryAddSingleton<CallLimiter>();
        services.TryAddSingleton<ResilienceInterceptor>();
        builder.AddQueryRecTelemetry();
        services.AddHealthChecks().AddCheck<IndexReadyHealthCheck>("index", tags: [ServiceDefaultsExtensions.ReadyTag]);
        services.AddGrpc(static options =>
        {
            options.MaxReceiveMessageSize = 1024 * 1024;
            options.EnableDetailedErrors = false;
        })
        // The QueryRec service's own, not global: health probes and reflection need none of them, and each probe paid
        // for telemetry, the concurrency limit and the exception mapping (docs/performance.md, "What a probe costs").
        .AddServiceOptions<QueryRecGrpcService>(static options =>
        {
            // Outermost first: telemetry sees every call (also shed ones) and the reasons the resilience layer adds.
            options.Interceptors.Add<TelemetryInterceptor>();
            options.Interceptors.Add<ResilienceInterceptor>();
            options.Interceptors.Add<ExceptionInterceptor>();
        });
        builder.AddQueryRecAdmin();
        return builder;
    }

    /// <summary>Maps the QueryRec gRPC service (gRPC and gRPC-Web), the admin service (admin port only) and the storefront page.</summary>
    public static WebApplication MapQueryRec(this WebApplication app)
    {
        app.MapGrpcService<QueryRecGrpcService>();
        app.MapQueryRecAdmin();
        app.UseStorefront();
        return app;
    }
}
