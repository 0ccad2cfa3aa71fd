using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Index;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using StackExchange.Redis;

namespace QueryRec.Serving.Ranking;

/// <summary>Registration of ranking: the heuristic scorer, the model source (Redis or none), the model host and the ONNX ranker.</summary>
internal static class RankingServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecRanking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<HeuristicRankingOptions>().Bind(configuration.GetSection(HeuristicRankingOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeuristicRankingOptions>, HeuristicRankingOptionsValidator>());
        services.TryAddSingleton<HeuristicScorer>();
        services.AddOptionsWithValidateOnStart<RankingModelOptions>().Bind(configuration.GetSection(RankingModelOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RankingModelOptions>, RankingModelOptionsValidator>());
        services.TryAddSingleton<IRankingModelSource>(static sp =>
            !sp.GetRequiredService<IOptions<StoreOptions>>().Value.UsesRedis
                ? NoRankingModelSource.Instance
                : new RedisModelStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<StoreOptions>>().Value.KeyPrefix, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RankingModelHost>();
        services.AddHostedService(static sp => sp.GetRequiredService<RankingModelHost>());
        services.TryAddSingleton<OnnxRanker>();
        services.AddOptionsWithValidateOnStart<DiscoveryRankingOptions>().Bind(configuration.GetSection(DiscoveryRankingOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DiscoveryRankingOptions>, DiscoveryRankingOptionsValidator>());
        services.TryAddSingleton<DiscoveryModelHost>();
        services.AddOptions<FeatureLogOptions>().Bind(configuration.GetSection(FeatureLogOptions.Section));
        services.TryAddSingleton<SubjectHasher>();
        return services;
    }
}
