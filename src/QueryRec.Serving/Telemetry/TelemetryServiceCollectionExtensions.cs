using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Index;
using QueryRec.Serving.Ranking;

namespace QueryRec.Serving.Telemetry;

/// <summary>Registration of the instruments' owner and its options (the salt of caller-id hashes).</summary>
internal static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecInstrumentation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<TelemetryOptions>().Bind(configuration.GetSection(TelemetryOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        services.TryAddSingleton(static sp =>
        {
            var instrumentation = ActivatorUtilities.CreateInstance<QueryRecInstrumentation>(sp);

            // Read at collection time: the components observed depend on the instrumentation themselves.
            instrumentation.Observe(
                () => sp.GetRequiredService<ActiveIndex>().Current?.Version,
                () => sp.GetRequiredService<RankingModelHost>().CurrentVersion,
                () => sp.GetRequiredService<ExperimentRegistry>().Generation);
            return instrumentation;
        });
        return services;
    }
}
