using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using QueryRec.Indexer.Build;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Suggest;
using QueryRec.Storage;

namespace QueryRec.Benchmarks;

/// <summary>
/// The benchmark's index and serving pipeline, built once per process: the Taobao 100k queries plus the distinct Best
/// Buy queries, indexed by the real query-list build (as <c>indexer build --queries FILE --zipf 1.0 --seed 1
/// --shared-words-top 5</c>: the word-sharing Discover lists that Discover's benchmark reads),
/// written to a temp <c>.qrx</c> and served from the embedded store by the pipeline the server runs
/// (<see cref="ServingServiceCollectionExtensions.AddQueryRecServing"/>) on a generic host, without web server or gRPC
/// (as the indexer's <c>InProcessPipeline</c>): its Suggest handler is called in process (lookup and rank). The
/// gRPC layer is measured by <see cref="GrpcCallBenchmarks"/>, which has an API host of its own.
/// </summary>
internal sealed class BenchIndex : IAsyncDisposable
{
    private const string IndexFileName = "bench.qrx";

    private static readonly Lock Gate = new();
    private static Task<BenchIndex>? _shared;

    private readonly IHost _host;
    private readonly string _directory;

    private BenchIndex(IHost host, string directory, SuggestHandler handler, ServingIndex serving, List<string> taobao, List<string> bestBuy)
    {
        _host = host;
        _directory = directory;
        Handler = handler;
        Serving = serving;
        Taobao = taobao;
        BestBuy = bestBuy;
    }

    /// <summary>The pipeline's services (to build handlers that differ from the server's own in one dependency).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>A temp folder deleted with the index (for files a benchmark's setup writes).</summary>
    public string WorkDirectory => _directory;

    /// <summary>The served index file (its queries and popularities are the Lucene peer's dictionary).</summary>
    public string IndexPath => Path.Combine(_directory, IndexFileName);

    /// <summary>The pipeline's Suggest handler (what the server's gRPC Suggest runs, through the pipeline's entry).</summary>
    public SuggestHandler Handler { get; }

    /// <summary>The served version (its snapshot and its built typo-tolerant matcher).</summary>
    public ServingIndex Serving { get; }

    /// <summary>The fuzzy matcher's trie of the served version.</summary>
    public FuzzyTrie Trie => Serving.Fuzzy.Ready ?? throw new InvalidOperationException("the fuzzy matcher is not built.");

    /// <summary>The distinct normalized Taobao queries.</summary>
    public List<string> Taobao { get; }

    /// <summary>The distinct normalized Best Buy queries.</summary>
    public List<string> BestBuy { get; }

    /// <summary>The index and pipeline shared by every benchmark of the process (built on first use).</summary>
    public static BenchIndex Shared
    {
        get
        {
            lock (Gate)
            {
                _shared ??= Task.Run(CreateAsync);
            }

            return _shared.GetAwaiter().GetResult();
        }
    }

    /// <summary>Stops the shared pipeline and deletes its index file, if it was started.</summary>
    public static async Task DisposeSharedAsync()
    {
        Task<BenchIndex>? shared;
        lock (Gate)
        {
            shared = _shared;
            _shared = null;
        }

        if (shared is { IsCompletedSuccessfully: true })
        {
            await shared.Result.DisposeAsync();
        }
    }

    private static async Task<BenchIndex> CreateAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        var taobaoLines = await File.ReadAllLinesAsync(BenchData.TaobaoQueries);
        var bestBuy = BenchData.BestBuyQueries();

        // One query list, as if the two files were concatenated: Taobao "id<TAB>query" lines, then Best Buy "query" lines.
        var list = new StringBuilder();
        foreach (var line in taobaoLines)
        {
            list.Append(line).Append('\n');
        }

        foreach (var query in bestBuy)
        {
            list.Append(query).Append('\n');
        }

        var reader = new QueryListReader(zipf: 1.0, seed: 1, onBadLine: static _ => { });
        var options = new BuildOptions { MinCount = 1, Source = "taobao-100k+bestbuy" };
        var result = IndexBuilder.BuildFromQueryList(new StringReader(list.ToString()), reader, options, TimeProvider.System, CancellationToken.None);
        var directory = Directory.CreateTempSubdirectory("queryrec-bench-").FullName;
        var path = Path.Combine(directory, IndexFileName);
        IndexFile.WriteFile(result.Build, path);
        var built = stopwatch.Elapsed;

        var host = await StartPipelineAsync(path);
        var activeIndex = host.Services.GetRequiredService<ActiveIndex>();
        var handler = host.Services.GetRequiredService<SuggestHandler>();
        // The index watcher loads the index file as the host starts; the typo-tolerant matcher builds in the background.
        var serving = activeIndex.Current ?? throw new InvalidOperationException($"the pipeline did not load {path}.");
        await activeIndex.WhenCurrentReadyAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var taobao = taobaoLines
            .Select(static l => l[(l.IndexOf('\t', StringComparison.Ordinal) + 1)..])
            .Select(QueryRec.Core.Normalization.QueryNormalizer.Normalize)
            .Where(static q => q.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// QueryRec bench index: {reader.DistinctQueries:N0} distinct queries ({taobao.Count:N0} Taobao, {bestBuy.Count:N0} Best Buy), "
            + $"{result.Summary.QueriesKept:N0} kept, {new FileInfo(path).Length:N0} bytes, built in {built.TotalSeconds:F1} s; "
            + $"pipeline and fuzzy trie ({serving.Fuzzy.Ready!.TextCount:N0} texts, {serving.Fuzzy.Ready.NodeCount:N0} nodes) ready after {stopwatch.Elapsed.TotalSeconds:F1} s"));
        return new BenchIndex(host, directory, handler, serving, taobao, bestBuy);
    }

    /// <summary>
    /// The settings over the server's appsettings.json that serve <paramref name="indexPath"/> from the embedded store,
    /// quiet, with generous budgets and no response cache; also those of the API host that
    /// <see cref="GrpcCallBenchmarks"/> runs on the same index, so that both answer alike.
    /// </summary>
    public static Dictionary<string, string?> Settings(string indexPath) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["QueryRec:Store:IndexPath"] = indexPath,
        ["QueryRec:Store:PollInterval"] = "00:10:00",
        // Generous budgets: a loaded machine must not turn a slow read into a skipped (cheaper) source.
        ["QueryRec:Suggest:StoreBudget"] = "00:00:05",
        // Every call runs the pipeline (HotPathBenchmarks measures a response-cache hit with its own cache).
        ["QueryRec:Suggest:ResponseCache:Enabled"] = "false",
        // The measured calls carry no real-time signal: with this guarantee on, a learned handler would order them with
        // the heuristic and the model's cost would go unmeasured.
        ["QueryRec:Ranking:Model:HeuristicWithoutSignal"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>
    /// Builds and starts the serving pipeline on a generic host (no web server, no socket) serving one embedded index
    /// file, quiet, with generous budgets, on the wall clock (as a server: no replay clock).
    /// </summary>
    private static Task<IHost> StartPipelineAsync(string indexPath) => StartPipelineAsync(Settings(indexPath));

    /// <summary>The same pipeline with other settings over the server's (another store: <see cref="RedisSuggestBenchmarks"/>).</summary>
    internal static async Task<IHost> StartPipelineAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });

        // The API's appsettings.json (copied beside this program with the API project) first, so that the measured
        // pipeline is configured as the server is: its QueryRec section (store, budgets, caps, ranking weights, Redis
        // off) repeats the code defaults, but a value changed there must change the benchmark too. Environment
        // variables are left out, so that a shell's QueryRec__* cannot change a run.
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false, reloadOnChange: false);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        // Warnings to standard error, one line each: standard output is BenchmarkDotNet's report.
        builder.Logging.AddSimpleConsole(static o => o.SingleLine = true);
        builder.Services.Configure<ConsoleLoggerOptions>(static o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddQueryRecServing(builder.Configuration);
        var host = builder.Build();
        try
        {
            // Also validates the options registered with ValidateOnStart, as the server does at start.
            await host.StartAsync(CancellationToken.None);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

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

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
