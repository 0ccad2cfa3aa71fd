using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Strategies;

namespace QueryRec.Serving.Browse;

/// <summary>Registration of the browse products (Discover, GetShadingWords, GetPushQueries): strategy options, the strategies and the handlers.</summary>
internal static class BrowseServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecBrowse(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<StrategyOptions>().Bind(configuration.GetSection(StrategyOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StrategyOptions>, StrategyOptionsValidator>());
        services.TryAddSingleton<StrategyRegistry>();
        services.TryAddSingleton<BrowseServing>();
        services.TryAddSingleton<DiscoverHandler>();
        services.TryAddSingleton<ShadingWordsHandler>();
        services.TryAddSingleton<PushQueriesHandler>();
        return services;
    }
}
