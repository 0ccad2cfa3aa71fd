using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QueryRec.Benchmarks;

/// <summary>
/// The load harness's floor (tests/load/run.sh): a minimal Kestrel host on plain HTTP/2 (h2c) that serves only
/// <see cref="NoOpService"/> (<c>bench.NoOp/Check</c>), with no interceptor, health check, telemetry or logging, so
/// that a case's calls per second can be read as a share of what the machine's gRPC stack does at all.
/// </summary>
internal static class NoOpHost
{
    /// <summary>Serves until stopped (SIGTERM or Ctrl+C). Args: <c>--url http://127.0.0.1:PORT</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["--url", var url] || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != "http")
        {
            await Console.Error.WriteLineAsync("usage: noop-host --url http://127.0.0.1:PORT");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(
            System.Net.IPAddress.Parse(uri.Host), uri.Port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        await using var app = builder.Build();
        app.MapGrpcService<NoOpService>();
        await app.RunAsync();
        return 0;
    }
}
