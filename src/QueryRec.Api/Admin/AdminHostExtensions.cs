using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QueryRec.Api.Interceptors;

namespace QueryRec.Api.Admin;

/// <summary>Registration and mapping of the admin service (see <see cref="AdminOptions"/>).</summary>
internal static class AdminHostExtensions
{
    public static TBuilder AddQueryRecAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptionsWithValidateOnStart<AdminOptions>().Bind(builder.Configuration.GetSection(AdminOptions.Section));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AdminOptions>, AdminOptionsRules>());
        builder.Services.AddGrpc().AddServiceOptions<AdminGrpcService>(static options => options.Interceptors.Add<ExceptionInterceptor>());
        return builder;
    }

    /// <summary>
    /// Maps the admin service on the admin port when one is configured; on every other port the route does not match
    /// and gRPC answers UNIMPLEMENTED. Not mapped at all otherwise.
    /// </summary>
    public static WebApplication MapQueryRecAdmin(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<AdminOptions>>().Value;
        if (options.Enabled)
        {
            app.MapGrpcService<AdminGrpcService>().RequireHost($"*:{options.Port}");
        }

        return app;
    }
}
