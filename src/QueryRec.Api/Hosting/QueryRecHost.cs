using QueryRec.Api.Validation;
using QueryRec.ServiceDefaults;

namespace QueryRec.Api.Hosting;

/// <summary>
/// Builds the QueryRec web application: the one pipeline used by <c>Program.cs</c> and by hosts that run the service
/// in process (the indexer's <c>evaluate</c> replay).
/// </summary>
public static class QueryRecHost
{
    /// <summary>
    /// Creates the builder, lets <paramref name="configure"/> adjust it (configuration sources, Kestrel, services
    /// registered before the service's own, which use TryAdd), adds the service and builds the mapped application.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
        => Build(new WebApplicationOptions { Args = args }, configure);

    /// <inheritdoc cref="Build(string[], Action{WebApplicationBuilder}?)" />
    public static WebApplication Build(WebApplicationOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(options);
        configure?.Invoke(builder);
        builder.AddServiceDefaults(QueryRecHostExtensions.ServiceName);
        builder.AddQueryRec();

        var app = builder.Build();

        // Before gRPC-Web: a broken body (also broken base64) is answered before any decoder or the library reads it.
        app.UseMiddleware<MalformedMessageMiddleware>();
        app.UseGrpcWebDefaults();
        app.MapDefaultEndpoints();
        app.MapQueryRec();
        return app;
    }
}
