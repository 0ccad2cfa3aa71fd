using QueryRec.Api.Strategies;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Api.Events;
using QueryRec.Api.Experiments;
using QueryRec.Api.Index;
using QueryRec.Api.Interceptors;
using QueryRec.Api.Ranking;
using QueryRec.Api.Recall;
using QueryRec.Api.Resilience;
using QueryRec.Api.Rerank;
using QueryRec.Api.Services;
using QueryRec.Api.Suggest;
using QueryRec.ServiceDefaults;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.Realtime;
using QueryRec.Storage.Redis;
using StackExchange.Redis;

namespace QueryRec.Api.Hosting;

/// <summary>Registration of the QueryRec service: options, stores (index and real-time), index watcher, handlers and gRPC.</summary>
public static class QueryRecHostExtensions
{
    /// <summary>The fully qualified gRPC service name, also a readiness name of the health service.</summary>
    public const string ServiceName = "queryrec.v1.QueryRecService";

    /// <summary>Adds everything the QueryRec gRPC service needs. Configuration is read when the services resolve.</summary>
    public static TBuilder AddQueryRec<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // Normalization needs ICU: fail at start with a clear message rather than on the first request.
        QueryRec.Core.TextEnvironment.EnsureIcu();
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<StoreOptions>().BindConfiguration(StoreOptions.Section);
        services.AddOptionsWithValidateOnStart<SuggestOptions>().BindConfiguration(SuggestOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsRules>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SuggestOptions>, SuggestOptionsValidator>());
        services.AddOptionsWithValidateOnStart<MatchingOptions>().BindConfiguration(MatchingOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MatchingOptions>, MatchingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MatchingOptions>, MatchingOptionsRules>());
        services.AddOptionsWithValidateOnStart<RealtimeOptions>().BindConfiguration(RealtimeOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RealtimeOptions>, RealtimeOptionsRules>());

        services.AddOptionsWithValidateOnStart<TrendingOptions>().BindConfiguration(TrendingOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrendingOptions>, TrendingOptionsValidator>());
        services.AddOptionsWithValidateOnStart<HeuristicRankingOptions>().BindConfiguration(HeuristicRankingOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HeuristicRankingOptions>, HeuristicRankingOptionsValidator>());

        services.AddOptionsWithValidateOnStart<StrategyOptions>().BindConfiguration(StrategyOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StrategyOptions>, StrategyOptionsValidator>());
        services.AddOptionsWithValidateOnStart<RerankOptions>().BindConfiguration(RerankOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RerankOptions>, RerankOptionsValidator>());

        services.AddOptionsWithValidateOnStart<ClockOptions>().BindConfiguration(ClockOptions.Section);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClockOptions>, ClockOptionsRules>(static sp => new ClockOptionsRules(sp.GetService<ReplayClockPermit>() is not null)));
        services.TryAddSingleton(static sp =>
        {
            var clock = sp.GetRequiredService<IOptions<ClockOptions>>().Value;
            if (!clock.Replay)
            {
                return TimeProvider.System;
            }

            Log.ReplayClockOn(sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ReplayClock)), clock.ReplayStart);
            return (TimeProvider)new ReplayClock(clock.ReplayStart);
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
            var time = sp.GetRequiredService<TimeProvider>();
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
        services.AddOptionsWithValidateOnStart<RankingModelOptions>().BindConfiguration(RankingModelOptions.Section);
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
        services.AddQueryRecExperiments();

        services.AddQueryRecResilience();
        builder.AddQueryRecTelemetry();
        services.AddHealthChecks().AddCheck<IndexReadyHealthCheck>("index", tags: [ServiceDefaultsExtensions.ReadyTag]);
        services.AddGrpc(static options =>
        {
            // Outermost first: telemetry sees every call (also shed ones) and the reasons the resilience layer adds.
            options.Interceptors.Add<TelemetryInterceptor>();
            options.Interceptors.Add<ResilienceInterceptor>();
            options.Interceptors.Add<ExceptionInterceptor>();
            options.Interceptors.Add<ExperimentInterceptor>();
            options.MaxReceiveMessageSize = 1024 * 1024;
            options.EnableDetailedErrors = false;
        });
        return builder;
    }

    /// <summary>Maps the QueryRec gRPC service (gRPC and gRPC-Web) and the storefront page.</summary>
    public static WebApplication MapQueryRec(this WebApplication app)
    {
        app.MapGrpcService<QueryRecGrpcService>();
        app.UseStorefront();
        return app;
    }
}
