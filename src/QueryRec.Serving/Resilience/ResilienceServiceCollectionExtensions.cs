using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Resilience;

/// <summary>Registration of the resilience layer: options, the Redis read pipeline, the near-cache and the last good lists.</summary>
internal static class ResilienceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the resilience services; the stores are wrapped where they are created (Redis only). The per-call
    /// concurrency limit belongs to the host (the gRPC host sheds calls in an interceptor).
    /// </summary>
    public static IServiceCollection AddQueryRecResilience(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<ResilienceOptions>().Bind(configuration.GetSection(ResilienceOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResilienceOptions>, ResilienceOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<StoreResilience>();
        services.TryAddSingleton<NearCache>();
        services.TryAddSingleton<LastGoodLists>();
        return services;
    }
}
