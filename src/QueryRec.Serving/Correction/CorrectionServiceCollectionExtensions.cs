using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace QueryRec.Serving.Correction;

/// <summary>Registration of query correction: its options, the corrector (shared with Discover's ALTERNATIVES section) and the Correct handler.</summary>
internal static class CorrectionServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecCorrection(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptionsWithValidateOnStart<CorrectionOptions>().Bind(configuration.GetSection(CorrectionOptions.Section));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CorrectionOptions>, CorrectionOptionsValidator>());
        services.TryAddSingleton<QueryCorrector>();
        services.TryAddSingleton<CorrectHandler>();
        return services;
    }
}
