using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Events;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Index;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.Realtime;
using QueryRec.Storage.Redis;
using StackExchange.Redis;

namespace QueryRec.Serving.Pipeline;

/// <summary>
/// The one composition root of the request pipeline: options and their validators, stores (index and real-time), the
/// index watcher, ranking, the handlers, experiments, resilience and instruments. The API host, the indexer's replay
/// and trainer, and the benchmarks all call it, so what is evaluated offline is what serves.
/// </summary>
public static class ServingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the pipeline, bound to <paramref name="configuration"/> (sections <c>QueryRec:*</c>). Registrations made
    /// before this call win (TryAdd), which is how hosts and tests substitute a store or a clock. Needs logging
    /// (<c>AddLogging</c>), which every .NET host adds.
    /// </summary>
    public static IServiceCollection AddQueryRecServing(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // The experiment registry watches the configuration for reloads: hosts register theirs (TryAdd keeps it).
        services.TryAddSingleton(configuration);
        // Normalization needs ICU: fail at start with a clear message rather than on the first request.
        QueryRec.Core.TextEnvironment.EnsureIcu();
                services.AddOptionsWithValidateOnStart<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section));
        services.AddOptionsWithValidateOnStart<SuggestOptions>().Bind(configuration.GetSection(SuggestOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsRules>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SuggestOptions>, SuggestOptionsValidator>());
        services.AddOptionsWithValidateOnStart<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MatchingOptions>, MatchingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MatchingOptions>, MatchingOptionsRules>());
        services.AddOptionsWithValidateOnStart<RealtimeOptions>().Bind(configuration.GetSection(RealtimeOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsRules>());

        services.AddOptionsWithValidateOnStart<TrendingOptions>().Bind(configuration.GetSection(TrendingOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrendingOptions>, TrendingOptionsValidator>());
        services.AddOptionsWithValidateOnStart<HeuristicRankingOptions>().Bind(configuration.GetSection(HeuristicRankingOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeuristicRankingOptions>, HeuristicRankingOptionsValidator>());

        services.AddOptionsWithValidateOnStart<StrategyOptions>().Bind(configuration.GetSection(StrategyOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StrategyOptions>, StrategyOptionsValidator>());
        services.AddOptionsWithValidateOnStart<RerankOptions>().Bind(configuration.GetSection(RerankOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RerankOptions>, RerankOptionsValidator>());

        services.AddOptionsWithValidateOnStart<ClockOptions>().Bind(configuration.GetSection(ClockOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClockOptions>, ClockOptionsRules>(static sp => new ClockOptionsRules(sp.GetService<ReplayClockPermit>() is not null)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp =>
        {
            var clock = sp.GetRequiredService<IOptions<ClockOptions>>().Value;
            if (!clock.Replay)
            {
                return EventClock.Live(sp.GetRequiredService<TimeProvider>());
            }

            ClockLog.ReplayClockOn(sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReplayClock)), clock.ReplayStart);
            return EventClock.ForReplay(new ReplayClock(clock.ReplayStart));
        });
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
            if (string.IsNullOrWhiteSpace(options.Redis))
            {
                return new EmbeddedIndexStore(timeProvider: sp.GetRequiredService<TimeProvider>());
            }

            return new ResilientIndexStore(
                new RedisIndexStore(
                    sp.GetRequiredService<IConnectionMultiplexer>(),
                    new RedisIndexOptions { KeyPrefix = options.KeyPrefix },
                    sp.GetRequiredService<TimeProvider>()),
                sp.GetRequiredService<StoreResilience>(),
                sp.GetRequiredService<NearCache>(),
                sp.GetRequiredService<ILogger<ResilientIndexStore>>());
        });
        services.TryAddSingleton<IRealtimeStore>(static sp =>
        {
            var store = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            var realtime = sp.GetRequiredService<IOptions<RealtimeOptions>>().Value;
            var time = sp.GetRequiredService<EventClock>().Time;
            return string.IsNullOrWhiteSpace(store.Redis)
                ? new EmbeddedRealtimeStore(realtime, time)
                : new ResilientRealtimeStore(
                    new RedisRealtimeStore(sp.GetRequiredService<IConnectionMultiplexer>(), store.KeyPrefix, realtime, time),
                    sp.GetRequiredService<StoreResilience>());
        });
        services.TryAddSingleton<ActiveIndex>();
        services.AddHostedService<IndexWatcher>();
        services.TryAddSingleton<TrendingQueries>();
        services.AddHostedService(static sp => sp.GetRequiredService<TrendingQueries>());
        services.TryAddSingleton<HeuristicScorer>();
        services.AddOptionsWithValidateOnStart<RankingModelOptions>().Bind(configuration.GetSection(RankingModelOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RankingModelOptions>, RankingModelOptionsValidator>());
        services.TryAddSingleton<IRankingModelSource>(static sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<StoreOptions>>().Value.Redis)
                ? NoRankingModelSource.Instance
                : new RedisModelStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<StoreOptions>>().Value.KeyPrefix, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<RankingModelHost>();
        services.AddHostedService(static sp => sp.GetRequiredService<RankingModelHost>());
        services.TryAddSingleton<OnnxRanker>();
        services.TryAddSingleton<Reranker>();
        services.TryAddSingleton<SuggestResponseCache>();
        services.TryAddSingleton<SuggestHandler>();
        services.TryAddSingleton<ReportEventsHandler>();
        services.TryAddSingleton<StrategyRegistry>();
        services.TryAddSingleton<BrowseServing>();
        services.TryAddSingleton<DiscoverHandler>();
        services.TryAddSingleton<ShadingWordsHandler>();
        services.TryAddSingleton<QueryRecPipeline>();
        services.AddQueryRecExperiments();

        services.AddQueryRecResilience(configuration);
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
