using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Resilience;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.Redis;
using StackExchange.Redis;

namespace QueryRec.Serving.Index;

/// <summary>Registration of the index: store options, the index store (the embedded file, or Redis behind the resilience layer), the one Redis connection, the active index and its watcher.</summary>
internal static class IndexServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecIndex(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsRules>());
        services.TryAddSingleton<IConnectionMultiplexer>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var redis = RedisConnection.CreateOptions(options.Redis!);

            // While Redis is down, reads fail at once (the circuit breaker counts them) instead of queueing for 5 s.
            redis.BacklogPolicy = BacklogPolicy.FailFast;
            return ConnectionMultiplexer.Connect(redis);
        });
        services.TryAddSingleton<IIndexStore>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            if (!options.UsesRedis)
            {
                return new EmbeddedIndexStore(timeProvider: sp.GetRequiredService<TimeProvider>());
            }

            return new ResilientIndexStore(
                new RedisIndexStore(
                    sp.GetRequiredService<IConnectionMultiplexer>(),
                    new RedisIndexOptions { KeyPrefix = options.KeyPrefix },
                    sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<StoreResilience>(),
                sp.GetRequiredService<NearCache>());
        });
        services.TryAddSingleton<ActiveIndex>();
        services.AddHostedService<IndexWatcher>();
        return services;
    }
}
