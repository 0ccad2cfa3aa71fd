using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Rerank;

/// <summary>Registration of the rerank stage: its options (the serving-time blacklist) and the reranker.</summary>
internal static class RerankServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecRerank(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<RerankOptions>().Bind(configuration.GetSection(RerankOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RerankOptions>, RerankOptionsValidator>());
        services.TryAddSingleton<Reranker>();
        return services;
    }
}
