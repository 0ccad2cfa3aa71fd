using Grpc.Net.Client;
using Grpc.Net.Client.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueryRec.Contracts.V1;
using QueryRec.Storage;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// The real host in process (WebApplicationFactory), configured by settings, reached through a real
/// gRPC channel.
/// </summary>
public sealed class QueryRecFactory : WebApplicationFactory<QueryRec.Api.QueryRecApi>
{
    // WebApplicationFactory finds the host the entry point builds through a process-wide DiagnosticListener;
    // two factories starting at once (xUnit runs classes in parallel) can pick up each other's host, which
    // shows when one of them is meant to fail at start. Hosts are therefore created one at a time.
    private static readonly Lock HostCreation = new();

    private readonly Dictionary<string, string?> _settings;

    internal QueryRecFactory(Dictionary<string, string?> settings)
    {
        _settings = settings;
    }

    /// <summary>A host serving an embedded index file.</summary>
    internal static QueryRecFactory Embedded(string indexPath, TimeSpan? pollInterval = null) => new(new()
    {
        ["QueryRec:Store:IndexPath"] = indexPath,
        ["QueryRec:Store:PollInterval"] = (pollInterval ?? TimeSpan.FromSeconds(5)).ToString(),
    });

    /// <summary>A host reading from Redis.</summary>
    internal static QueryRecFactory Redis(string connection, string keyPrefix, TimeSpan? pollInterval = null, TimeSpan? storeBudget = null) => new(new()
    {
        ["QueryRec:Store:Redis"] = connection,
        ["QueryRec:Store:KeyPrefix"] = keyPrefix,
        ["QueryRec:Store:PollInterval"] = (pollInterval ?? TimeSpan.FromSeconds(5)).ToString(),
        ["QueryRec:Suggest:StoreBudget"] = (storeBudget ?? TimeSpan.FromMilliseconds(200)).ToString(),
    });

    /// <summary>
    /// A host on real Kestrel sockets, started: the h2c gRPC endpoint (HTTP/2 only) and the Web endpoint (HTTP/1.1 and
    /// HTTP/2: gRPC-Web, health, the storefront page) on the given loopback ports, plus <paramref name="settings"/>.
    /// </summary>
    internal static QueryRecFactory StartOnKestrel(int grpcPort, int webPort, Dictionary<string, string?> settings)
    {
        settings["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}";
        settings["Kestrel:Endpoints:Grpc:Protocols"] = "Http2";
        settings["Kestrel:Endpoints:Web:Url"] = $"http://127.0.0.1:{webPort}";
        settings["Kestrel:Endpoints:Web:Protocols"] = "Http1AndHttp2";
        var factory = new QueryRecFactory(settings);
        factory.UseKestrel();
        factory.StartServer();
        return factory;
    }

    /// <summary>The host environment; "Testing" unless a test is about environment defaults.</summary>
    internal string? Environment { get; init; }

    /// <summary>Service overrides applied after the host's own registrations (e.g. a fake clock or a failing store).</summary>
    internal Action<IServiceCollection>? TestServices { get; init; }

    // Tests that are not about time budgets get generous ones, so a loaded CI machine cannot turn a slow
    // but correct read into a degraded answer. Tests about budgets set their own.
    private static readonly Dictionary<string, string> GenerousBudgets = new(StringComparer.Ordinal)
    {
        ["QueryRec:Suggest:StoreBudget"] = "00:00:02",
        ["QueryRec:Strategies:RecallBudget"] = "00:00:02",
        ["QueryRec:Realtime:StoreBudget"] = "00:00:02",
        ["QueryRec:Resilience:ReadTimeout"] = "00:00:05",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in GenerousBudgets)
        {
            if (!_settings.ContainsKey(key))
            {
                builder.UseSetting(key, value);
            }
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (TestServices is not null)
        {
            builder.ConfigureTestServices(TestServices);
        }

        builder.UseEnvironment(Environment ?? "Testing");
    }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (HostCreation)
        {
            return base.CreateHost(builder);
        }
    }

    /// <summary>A gRPC (HTTP/2) channel to the in-process server.</summary>
    public GrpcChannel CreateChannel() => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = Server.CreateHandler(),
    });

    /// <summary>A gRPC-Web channel to the in-process server, as a browser would use.</summary>
    public GrpcChannel CreateGrpcWebChannel() => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = new GrpcWebHandler(GrpcWebMode.GrpcWebText, Server.CreateHandler()),
    });

    public QueryRecService.QueryRecServiceClient CreateClient(GrpcChannel channel) => new(channel);

    /// <summary>Writes a build to a fresh temp index file and returns its path.</summary>
    internal static string WriteTempIndex(IndexBuild build, string? directory = null)
    {
        directory ??= TempDirectories.Create("queryrec-ft-");
        var path = Path.Combine(directory, "index.qrx");
        IndexFile.WriteFile(build, path);
        return path;
    }
}
