using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Trace;
using QueryRec.Api.Interceptors;
using QueryRec.ServiceDefaults;
using QueryRec.Serving.Index;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Api.Hosting;

/// <summary>Registration of QueryRec's traces, metrics and the telemetry interceptor.</summary>
public static class QueryRecTelemetryExtensions
{
    /// <summary>
    /// Adds the RPC telemetry interceptor and the OpenTelemetry
    /// providers (see <see cref="TelemetryExtensions.AddTelemetryDefaults"/>). With a Redis store configured,
    /// Redis commands become client spans of the span that issued them.
    /// </summary>
    public static TBuilder AddQueryRecTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.TryAddSingleton<TelemetryInterceptor>();

        var redis = !string.IsNullOrWhiteSpace(builder.Configuration[StoreOptions.Section + ":Redis"]);
        builder.AddTelemetryDefaults(QueryRecTelemetry.ServiceName, [QueryRecTelemetry.Name], traces =>
        {
            if (redis)
            {
                // Resolves the one shared IConnectionMultiplexer; keys and arguments are not recorded
                // (SetVerboseDatabaseStatements stays false): real-time keys hold user ids.
                traces.AddRedisInstrumentation(static options => options.SetVerboseDatabaseStatements = false);
            }
        });
        return builder;
    }
}
