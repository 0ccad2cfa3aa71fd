using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Recall;

/// <summary>Registration of recall: matching options and the trending list refreshed in the background.</summary>
internal static class RecallServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecRecall(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MatchingOptions>, MatchingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MatchingOptions>, MatchingOptionsRules>());
        services.AddOptionsWithValidateOnStart<TrendingOptions>().Bind(configuration.GetSection(TrendingOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrendingOptions>, TrendingOptionsValidator>());
        services.TryAddSingleton<TrendingQueries>();
        services.AddHostedService(static sp => sp.GetRequiredService<TrendingQueries>());
        return services;
    }
}
