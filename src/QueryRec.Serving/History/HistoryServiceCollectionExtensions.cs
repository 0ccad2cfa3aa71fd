using Microsoft.Extensions.DependencyInjection.Extensions;

namespace QueryRec.Serving.History;

/// <summary>Registration of the search-history products: DeleteHistory and subject erasure.</summary>
internal static class HistoryServiceCollectionExtensions
{
    public static IServiceCollection AddQueryRecHistory(this IServiceCollection services)
    {
        services.TryAddSingleton<DeleteHistoryHandler>();
        services.TryAddSingleton<SubjectEraser>();
        return services;
    }
}
