using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Correction;
using QueryRec.Serving.Events;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.History;
using QueryRec.Serving.Index;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;

namespace QueryRec.Serving.Pipeline;

/// <summary>
/// The one composition root of the request pipeline: each feature registers its options, validators and services
/// beside itself (<c>AddQueryRecIndex</c>, <c>AddQueryRecRanking</c>, ...); this adds them all and the pipeline's
/// entry. The API host, the indexer's replay and trainer, and the benchmarks all call it, so what is evaluated offline
/// is what serves.
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
        return services
            .AddQueryRecClocks(configuration)
            .AddQueryRecIndex(configuration)
            .AddQueryRecEvents(configuration)
            .AddQueryRecRecall(configuration)
            .AddQueryRecRanking(configuration)
            .AddQueryRecRerank(configuration)
            .AddQueryRecSuggest(configuration)
            .AddQueryRecBrowse(configuration)
            .AddQueryRecCorrection(configuration)
            .AddQueryRecHistory()
            .AddQueryRecExperiments()
            .AddQueryRecResilience(configuration)
            .AddQueryRecInstrumentation(configuration)
            .AddPipelineEntry();
    }

    private static IServiceCollection AddPipelineEntry(this IServiceCollection services)
    {
        services.TryAddSingleton<QueryRecPipeline>();
        return services;
    }
}
