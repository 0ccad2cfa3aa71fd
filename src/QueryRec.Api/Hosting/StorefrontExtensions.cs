using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace QueryRec.Api.Hosting;

/// <summary>
/// The storefront demo page: static files from <c>wwwroot</c> (built from <c>web/</c> by <c>web/build.mjs</c>), served at
/// <c>/</c>. Browsers reach it on the HTTP/1.1 (Web) endpoint and call the service through gRPC-Web there.
/// </summary>
public static class StorefrontExtensions
{
    /// <summary>The plain-text answer that used to be at <c>/</c>, for scripts and curl.</summary>
    public const string AboutPath = "/about";

    /// <summary>The setting that turns the page off (the text line at <see cref="AboutPath"/> stays); on by default.</summary>
    public const string EnabledKey = "QueryRec:Storefront:Enabled";

    /// <summary>
    /// Serves <c>wwwroot/index.html</c> at <c>/</c> and the page's other files (unless <see cref="EnabledKey"/> is false
    /// or the host has no web root), and a text line at <see cref="AboutPath"/>.
    /// </summary>
    public static WebApplication UseStorefront(this WebApplication app)
    {
        app.MapGet(AboutPath, static () => Results.Text(
            $"QueryRec: gRPC service {QueryRecHostExtensions.ServiceName} (h2c and gRPC-Web). Storefront page at /, health at /healthz/ready.\n"));
        // No web root (the server started from a directory without wwwroot and no --contentRoot, as tests/load/run.sh
        // does): there is no page to serve, and the static-file middleware would print a "WebRootPath was not found"
        // warning on every start.
        if (!app.Configuration.GetValue(EnabledKey, defaultValue: true) || app.Environment.WebRootFileProvider is NullFileProvider)
        {
            return app;
        }

        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            // The bundle's name carries no hash: browsers revalidate (ETag) instead of keeping a stale copy.
            OnPrepareResponse = static context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
        });
        return app;
    }
}
