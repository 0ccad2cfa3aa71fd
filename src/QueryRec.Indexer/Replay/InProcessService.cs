using System.Net;
using Grpc.Net.Client;
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
using QueryRec.Api.Index;
using QueryRec.Contracts.V1;
using QueryRec.Storage;

namespace QueryRec.Indexer.Replay;

/// <summary>What <see cref="InProcessService.StartAsync"/> starts.</summary>
/// <param name="IndexPath">The index file (<c>.qrx</c>) served by the embedded store.</param>
internal sealed record InProcessServiceOptions(string IndexPath)
{
    /// <summary>The ranking model (<c>QueryRec:Ranking:Model:Path</c>); null: the heuristic scorer.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Configuration overrides applied last (e.g. <c>QueryRec:Realtime:TrendingWindow</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra service registrations, made before the service's own (which use TryAdd).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The real QueryRec API (<see cref="QueryRecHost.Build(WebApplicationOptions, Action{WebApplicationBuilder}?)"/>, the
/// pipeline of <c>Program.cs</c>) started in this process: Kestrel on a free 127.0.0.1 port, HTTP/2 only (h2c), the
/// embedded store serving one index file, the replay clock on, and a gRPC client over a real channel. Its
/// configuration is the code defaults plus <see cref="Defaults"/> plus the given settings: no appsettings.json and no
/// environment variables, so a replay is reproducible. Logs of warning and above go to standard error.
/// </summary>
internal sealed class InProcessService : IAsyncDisposable
{
    /// <summary>
    /// The settings applied before the caller's: replay clock on, generous store budgets (a loaded machine must not
    /// turn a slow read into a degraded answer and a different result), no Redis.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        ["QueryRec:Clock:Replay"] = "true",
        ["QueryRec:Store:Redis"] = string.Empty,
        ["QueryRec:Suggest:StoreBudget"] = "00:00:05",
        ["QueryRec:Strategies:RecallBudget"] = "00:00:05",
        ["QueryRec:Realtime:StoreBudget"] = "00:00:05",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;

    private InProcessService(WebApplication app, Uri address, GrpcChannel channel)
    {
        _app = app;
        Address = address;
        _channel = channel;
        Client = new QueryRecService.QueryRecServiceClient(channel);
    }

    /// <summary>A client of the service over a real HTTP/2 channel.</summary>
    public QueryRecService.QueryRecServiceClient Client { get; }

    /// <summary>The service's container.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The address the service listens on (http://127.0.0.1:port).</summary>
    public Uri Address { get; }

    /// <summary>Builds and starts the service; fails when the host fails to start (bad settings, unreadable index).</summary>
    public static async Task<InProcessService> StartAsync(InProcessServiceOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new Dictionary<string, string?>(Defaults, StringComparer.OrdinalIgnoreCase)
        {
            ["QueryRec:Store:IndexPath"] = Path.GetFullPath(options.IndexPath),
        };
        if (options.ModelPath is not null)
        {
            settings["QueryRec:Ranking:Model:Path"] = Path.GetFullPath(options.ModelPath);
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        var app = QueryRecHost.Build(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory }, builder =>
        {
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole(static o => o.SingleLine = true);
            builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(static o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Listen(IPAddress.Loopback, 0, static l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddSingleton<ReplayClockPermit>();
            options.ConfigureServices?.Invoke(builder.Services);
        });
        try
        {
            await app.StartAsync(cancellationToken);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
            var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 4 * 1024 * 1024 });
            return new InProcessService(app, address, channel);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Publishes <paramref name="build"/> to the service's store, as the indexer's publish does for a deployed server,
    /// and waits (at most <paramref name="timeout"/>, default 60 s) until the service answers from it: its index watcher
    /// follows the store's announcement, so no Suggest after this returns reads the previous version.
    /// </summary>
    public async Task PublishIndexAsync(IndexBuild build, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var store = _app.Services.GetRequiredService<IIndexStore>();
        if (store is not IIndexAdmin admin)
        {
            throw new InvalidOperationException($"the in-process service's store ({store.Name}) cannot publish.");
        }

        var active = _app.Services.GetRequiredService<ActiveIndex>();
        await admin.PublishAsync(build, cancellationToken: cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            while (active.Current?.Version != build.Version)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), limit.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the in-process service did not activate the published index {build.Version}.");
        }
    }

    /// <summary>Stops the service and closes the channel.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }
}
