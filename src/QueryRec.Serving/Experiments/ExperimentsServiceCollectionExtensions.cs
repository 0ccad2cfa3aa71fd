using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Events;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;

namespace QueryRec.Serving.Experiments;

/// <summary>Registration of A/B experiments (section <c>QueryRec:Experiments</c>).</summary>
internal static class ExperimentsServiceCollectionExtensions
{
    /// <summary>
    /// Adds the experiment registry (read and checked at start, so a bad configuration stops the host), the arm
    /// models and the options binder. The pipeline (<see cref="Pipeline.QueryRecPipeline"/>) assigns each call.
    /// </summary>
    public static IServiceCollection AddQueryRecExperiments(this IServiceCollection services)
    {
        services.TryAddSingleton<ExperimentOptionsBinder>();
        services.TryAddSingleton<ExperimentModels>();
        services.TryAddSingleton<ExperimentRegistry>();
        services.AddHostedService(static sp => sp.GetRequiredService<ExperimentRegistry>());
        return services;
    }
}
