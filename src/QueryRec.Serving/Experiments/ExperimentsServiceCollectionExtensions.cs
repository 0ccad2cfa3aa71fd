using Microsoft.Extensions.DependencyInjection.Extensions;

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
