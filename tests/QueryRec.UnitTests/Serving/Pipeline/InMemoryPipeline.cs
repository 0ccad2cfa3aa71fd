using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QueryRec.Indexer.Build;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Pipeline;

/// <summary>
/// The serving pipeline as <see cref="ServingServiceCollectionExtensions.AddQueryRecServing"/> composes it for every
/// host, on a generic host (no web server): in-memory configuration, the embedded index store held in memory (no index
/// file: the build is published to it directly) registered before the pipeline so that it wins, and the pipeline's
/// hosted services (index watcher, trending refresh, model host, experiments) started with the host. No socket, no
/// file, no Redis.
/// </summary>
internal sealed class InMemoryPipeline : IAsyncDisposable
{
    private static readonly TimeProvider BuildClock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    /// <summary>
    /// The code defaults but for the budgets and the index watcher's poll. Generous store and recall budgets (as the
    /// indexer's in-process replay has): on a loaded machine, the first calls of a test run (JIT) must not turn into
    /// answers degraded by a late source. A short poll of the index watcher: its subscription to publish announcements is made on a background
    /// thread after start, so a publish right after start may precede it and be seen only by the poll (5 s by default).
    /// </summary>
    private static readonly Dictionary<string, string?> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["QueryRec:Suggest:StoreBudget"] = "00:00:05",
        ["QueryRec:Strategies:RecallBudget"] = "00:00:05",
        ["QueryRec:Realtime:StoreBudget"] = "00:00:05",
        ["QueryRec:Store:PollInterval"] = "00:00:00.050",
    };

    private readonly IHost _host;

    private InMemoryPipeline(IHost host)
    {
        _host = host;
        var services = host.Services;
        Pipeline = services.GetRequiredService<QueryRecPipeline>();
        Store = (EmbeddedIndexStore)services.GetRequiredService<IIndexStore>();
        ActiveIndex = services.GetRequiredService<ActiveIndex>();
    }

    /// <summary>The pipeline's entry, as the gRPC service and the replay call it.</summary>
    public QueryRecPipeline Pipeline { get; }

    /// <summary>The in-memory store the pipeline serves from.</summary>
    public EmbeddedIndexStore Store { get; }

    /// <summary>The version the pipeline serves.</summary>
    public ActiveIndex ActiveIndex { get; }

    /// <summary>
    /// An index of <paramref name="counts"/> (query → search count) built by the indexer's query-list build
    /// (<c>build --queries</c> with counts): the same tables (prefix, pinyin, infix, vocabulary) a deployed server
    /// reads, in memory. Popularity is the count.
    /// </summary>
    public static IndexBuild BuildIndex(IReadOnlyDictionary<string, long> counts) => BuildIndex(counts, new BuildOptions { MinCount = 1 });

    /// <summary>As <see cref="BuildIndex(IReadOnlyDictionary{string, long})"/>, with these build options.</summary>
    public static IndexBuild BuildIndex(IReadOnlyDictionary<string, long> counts, BuildOptions options)
    {
        var list = string.Join('\n', counts.Select(static p => $"{p.Key}\t{p.Value}"));
        var reader = new QueryListReader(1.0, 1, static e => throw new InvalidOperationException($"bad test query line: {e}"));
        using var text = new StringReader(list);
        return IndexBuilder.BuildFromQueryList(text, reader, options, BuildClock, CancellationToken.None).Build;
    }

    /// <summary>
    /// Builds the pipeline over an in-memory store holding <paramref name="build"/>, checks its options as a host does
    /// at start, starts its hosted services and waits until it serves that build with its typo matcher ready (so that
    /// no answer is degraded by a matcher still being built).
    /// </summary>
    /// <param name="build">The index version served.</param>
    /// <param name="settings">Configuration (keys <c>QueryRec:*</c>) over the code defaults.</param>
    /// <param name="configureServices">Registrations made before the pipeline's, which they replace (e.g. a clock).</param>
    public static async Task<InMemoryPipeline> StartAsync(
        IndexBuild build, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(build);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Defaults).AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton<IIndexStore>(store); // before AddQueryRecServing, whose TryAdd then keeps it
        configureServices?.Invoke(builder.Services);
        builder.Services.AddQueryRecServing(builder.Configuration);

        // The host validates the options registered with ValidateOnStart, then starts the hosted services.
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            var pipeline = new InMemoryPipeline(host);
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await pipeline.ActiveIndex.WhenServingAsync(build.Version, limit.Token);
            return pipeline;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Publishes <paramref name="build"/> to the store, as the indexer's publish does, and waits until the pipeline's
    /// index watcher has followed the announcement and the typo matcher of the new version is ready.
    /// </summary>
    /// <summary>Suggest for <paramref name="prefix"/> (anonymous), as the gRPC service calls it; a limit of 0 takes the default.</summary>
    public Task<QueryRec.Contracts.V1.SuggestResponse> SuggestAsync(string prefix, int limit = 0)
        => Pipeline.SuggestAsync(new QueryRec.Contracts.V1.SuggestRequest { Prefix = prefix, Limit = limit }, PipelineCall.Unbounded, CancellationToken.None);

    public async Task PublishAsync(IndexBuild build)
    {
        await Store.PublishAsync(build);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await ActiveIndex.WhenServingAsync(build.Version, limit.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
