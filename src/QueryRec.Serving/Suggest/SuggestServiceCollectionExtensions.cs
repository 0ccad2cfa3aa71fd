using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Suggest;

/// <summary>Registration of Suggest: its options, the response cache and the handler.</summary>
internal static class SuggestServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecSuggest(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<SuggestOptions>().Bind(configuration.GetSection(SuggestOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SuggestOptions>, SuggestOptionsValidator>());
        services.TryAddSingleton<SuggestResponseCache>();
        services.TryAddSingleton<SuggestHandler>();
        return services;
    }
}
