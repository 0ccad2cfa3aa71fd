using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace QueryRec.Api.Resilience;

/// <summary>Registration of the resilience layer: options, the Redis read pipeline, the near-cache and the call interceptor.</summary>
internal static class ResilienceHostExtensions
{
    /// <summary>
    /// Adds the resilience services; the stores are wrapped where they are created (Redis only). The call interceptor is
    /// added to the gRPC pipeline by <see cref="Hosting.QueryRecHostExtensions"/>, inside the telemetry interceptor.
    /// </summary>
    public static IServiceCollection AddQueryRecResilience(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<ResilienceOptions>().BindConfiguration(ResilienceOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResilienceOptions>, ResilienceOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton<ResilienceMetrics>();
        services.TryAddSingleton<StoreResilience>();
        services.TryAddSingleton<NearCache>();
        services.TryAddSingleton<CallLimiter>();
        services.TryAddSingleton<ResilienceInterceptor>();
        return services;
    }
}
