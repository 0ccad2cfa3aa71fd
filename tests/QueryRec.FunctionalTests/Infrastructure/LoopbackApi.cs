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
/// talks to. Optionally a second endpoint speaking HTTP/1.1 and HTTP/2 (TLS-less, so HTTP/1.1 in practice), where
/// gRPC-Web clients and raw HTTP/1.1 keep-alive connections reach the server.
/// </summary>
internal sealed class LoopbackApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackApi(WebApplication app, Uri address, Uri? http1Address)
    {
        _app = app;
        Address = address;
        Http1Address = http1Address;
    }

    /// <summary>The server's h2c address (http://127.0.0.1:port).</summary>
    public Uri Address { get; }

    /// <summary>The HTTP/1.1 (and HTTP/2) address when started with <c>http1: true</c>, else null.</summary>
    public Uri? Http1Address { get; }

    /// <summary>The host's services (its meter factory, for <see cref="HostCounter"/>).</summary>
    public IServiceProvider Services => _app.Services;

    /// <param name="settings">The whole configuration.</param>
    /// <param name="http1">Also open an HTTP/1.1 endpoint (<see cref="Http1Address"/>).</param>
    /// <param name="logs">When set, receives the host's logs (otherwise they go nowhere).</param>
    public static async Task<LoopbackApi> StartAsync(IReadOnlyDictionary<string, string?> settings, bool http1 = false, ILoggerProvider? logs = null)
    {
        var http1Port = http1 ? Loopback.FreePort() : 0;
        var app = QueryRecHost.Build(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory }, builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            if (logs is not null)
            {
                builder.Logging.AddProvider(logs);
            }

            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.Listen(IPAddress.Loopback, 0, static l => l.Protocols = HttpProtocols.Http2);
                if (http1)
                {
                    kestrel.Listen(IPAddress.Loopback, http1Port, static l => l.Protocols = HttpProtocols.Http1AndHttp2);
                }
            });
        });
        await app.StartAsync();

        // Answers must not depend on how fast the typo-tolerant matcher was built (as in the in-process pipeline).
        await app.Services.GetRequiredService<ActiveIndex>().WhenCurrentReadyAsync();
        var http1Address = http1 ? new Uri($"http://127.0.0.1:{http1Port}") : null;
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(static a => new Uri(a))
            .First(a => a.Port != http1Address?.Port);
        return new LoopbackApi(app, address, http1Address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
