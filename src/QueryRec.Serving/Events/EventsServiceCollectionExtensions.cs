using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Index;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;
using StackExchange.Redis;

namespace QueryRec.Serving.Events;

/// <summary>Registration of ReportEvents: real-time options and store (embedded, or Redis behind the resilience layer) and the handler.</summary>
internal static class EventsServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<RealtimeOptions>().Bind(configuration.GetSection(RealtimeOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsRules>());
        services.TryAddSingleton<IRealtimeStore>(static sp =>
        {
            var store = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var realtime = sp.GetRequiredService<IOptions<RealtimeOptions>>().Value;
            var time = sp.GetRequiredService<EventClock>().Time;
            return !store.UsesRedis
                ? new EmbeddedRealtimeStore(realtime, time)
                : new ResilientRealtimeStore(
                    new RedisRealtimeStore(sp.GetRequiredService<IConnectionMultiplexer>(), store.KeyPrefix, realtime, time),
                    sp.GetRequiredService<StoreResilience>());
        });
        services.TryAddSingleton<ReportEventsHandler>();
        return services;
    }
}
