using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Time;
using QueryRec.Storage;

namespace QueryRec.Indexer.Replay;

/// <summary>What <see cref="InProcessPipeline.StartAsync"/> starts.</summary>
/// <param name="IndexPath">The index file (<c>.qrx</c>) served by the embedded store; empty when the settings name a Redis store.</param>
internal sealed record InProcessPipelineOptions(string IndexPath)
{
    /// <summary>The ranking model (<c>QueryRec:Ranking:Model:Path</c>); null: the heuristic scorer.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Configuration overrides applied last (e.g. <c>QueryRec:Realtime:TrendingWindow</c>).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra service registrations, made before the pipeline's own (which use TryAdd).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The serving pipeline that the API host serves (<see cref="ServingServiceCollectionExtensions.AddQueryRecServing"/>)
/// built in this process on a generic host, without a web server or a socket: the embedded store serving one index
/// file, the replay clock on, calls made through <see cref="QueryRecPipeline"/> as the gRPC service makes them. Its
/// configuration is the code defaults plus <see cref="Defaults"/> plus the given settings: no appsettings.json and no
/// environment variables, so a replay is reproducible. Logs of warning and above go to standard error.
/// </summary>
internal sealed class InProcessPipeline : IReplayTarget, IAsyncDisposable
{
    /// <summary>
    /// The settings applied before the caller's: replay clock on, the largest store and recall budgets the options
    /// allow (budgets run on the wall clock: on a starved machine a late read would become a dropped source or empty
    /// session features, and the same log would replay to different answers and training rows), no Redis.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        ["QueryRec:Clock:Replay"] = "true",
        ["QueryRec:Store:Redis"] = string.Empty,
        ["QueryRec:Suggest:StoreBudget"] = "00:00:10",
        ["QueryRec:Strategies:RecallBudget"] = "00:01:00",
        ["QueryRec:Realtime:StoreBudget"] = "00:00:30",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    private readonly IHost _host;

    private InProcessPipeline(IHost host)
    {
        _host = host;
        Pipeline = host.Services.GetRequiredService<QueryRecPipeline>();
    }

    /// <summary>The pipeline's entry, as the gRPC service calls it.</summary>
    public QueryRecPipeline Pipeline { get; }

    /// <summary>The pipeline's container.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>
    /// The configuration a replay of <paramref name="options"/> runs with: <see cref="Defaults"/>, the index file and
    /// model, then the caller's settings. Also what a test gives a real server that must answer as the replay does.
    /// </summary>
    public static Dictionary<string, string?> SettingsFor(InProcessPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = new Dictionary<string, string?>(Defaults, StringComparer.OrdinalIgnoreCase)
        {
            ["QueryRec:Store:IndexPath"] = options.IndexPath.Length == 0 ? string.Empty : Path.GetFullPath(options.IndexPath),
        };
        if (options.ModelPath is not null)
        {
            settings["QueryRec:Ranking:Model:Path"] = Path.GetFullPath(options.ModelPath);
        }

        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Builds and starts the pipeline; fails when it fails to start (bad settings, unreadable index).</summary>
    public static async Task<InProcessPipeline> StartAsync(InProcessPipelineOptions options, CancellationToken cancellationToken)
    {
        var settings = SettingsFor(options);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(static o => o.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(static o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<ReplayClockPermit>();
        options.ConfigureServices?.Invoke(builder.Services);
        builder.Services.AddQueryRecServing(builder.Configuration);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            // Answers must not depend on how fast the typo-tolerant matcher was built (see ActiveIndex.WhenServingAsync).
            await host.Services.GetRequiredService<ActiveIndex>().WhenCurrentReadyAsync();
            return new InProcessPipeline(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public Task<SuggestResponse> SuggestAsync(SuggestRequest request, CancellationToken cancellationToken)
        => Pipeline.SuggestAsync(request, PipelineCall.Unbounded, cancellationToken);

    public Task<DiscoverResponse> DiscoverAsync(DiscoverRequest request, CancellationToken cancellationToken)
        => Pipeline.DiscoverAsync(request, PipelineCall.Unbounded, cancellationToken);

    public Task<GetPushQueriesResponse> GetPushQueriesAsync(GetPushQueriesRequest request, CancellationToken cancellationToken)
        => Pipeline.GetPushQueriesAsync(request, PipelineCall.Unbounded, cancellationToken);

    public Task<CorrectResponse> CorrectAsync(CorrectRequest request, CancellationToken cancellationToken)
        => Pipeline.CorrectAsync(request, PipelineCall.Unbounded, cancellationToken);

    public Task<ReportEventsResponse> ReportEventsAsync(ReportEventsRequest request, CancellationToken cancellationToken)
        => Pipeline.ReportEventsAsync(request, PipelineCall.Unbounded, cancellationToken);

    /// <summary>
    /// Publishes <paramref name="build"/> to the pipeline's store, as the indexer's publish does for a deployed server,
    /// and waits (at most <paramref name="timeout"/>, default 60 s) until the pipeline answers from it with its typo
    /// matcher built: its index watcher follows the store's announcement, so no Suggest after this returns reads the
    /// previous version.
    /// </summary>
    public async Task PublishIndexAsync(IndexBuild build, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        var store = _host.Services.GetRequiredService<IIndexStore>();
        if (store is not IIndexAdmin admin)
        {
            throw new InvalidOperationException($"the in-process pipeline's store ({store.Name}) cannot publish.");
        }

        await admin.PublishAsync(build, cancellationToken: cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _host.Services.GetRequiredService<ActiveIndex>().WhenServingAsync(build.Version, limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the in-process pipeline did not activate the published index {build.Version}.");
        }
    }

    /// <summary>Stops the pipeline's background services (index watcher, trending refresh, model host).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(CancellationToken.None);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
