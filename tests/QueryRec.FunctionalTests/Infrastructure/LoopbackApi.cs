using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QueryRec.Api.Hosting;
using QueryRec.Serving.Index;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// The real API host on a loopback h2c port with only the given configuration (no appsettings.json, no environment),
/// on the wall clock as a deployed server runs: what a client outside the process, such as <c>evaluate --server</c>,
/// talks to.
/// </summary>
internal sealed class LoopbackApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackApi(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The server's address (http://127.0.0.1:port).</summary>
    public Uri Address { get; }

    public static async Task<LoopbackApi> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var app = QueryRecHost.Build(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory }, builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Listen(IPAddress.Loopback, 0, static l => l.Protocols = HttpProtocols.Http2));
        });
        await app.StartAsync();

        // Answers must not depend on how fast the typo-tolerant matcher was built (as in the in-process pipeline).
        await app.Services.GetRequiredService<ActiveIndex>().WhenCurrentReadyAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new LoopbackApi(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
