using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Api;
using QueryRec.Indexer.Build;
using QueryRec.Serving.Index;
using QueryRec.Serving.Suggest;
using QueryRec.Storage;

namespace QueryRec.Benchmarks;

/// <summary>
/// The benchmark's index and server, built once per process: the Taobao 100k queries plus the distinct Best Buy
/// queries, indexed by the real query-list build (as <c>indexer build --queries FILE --zipf 1.0 --seed 1</c>), written
/// to a temp <c>.qrx</c>, served from the embedded store by the real host, and its Suggest handler resolved to be
/// called in process (lookup and rank, no gRPC).
/// </summary>
internal sealed class BenchIndex : IAsyncDisposable
{
    private const string IndexFileName = "bench.qrx";

    private const string ContentRootVariable = "ASPNETCORE_TEST_CONTENTROOT_QUERYREC_API";

    private static readonly Lock Gate = new();
    private static Task<BenchIndex>? _shared;

    private readonly Host _factory;
    private readonly string _directory;

    private BenchIndex(Host factory, string directory, SuggestHandler handler, ServingIndex serving, List<string> taobao, List<string> bestBuy)
    {
        _factory = factory;
        _directory = directory;
        Handler = handler;
        Serving = serving;
        Taobao = taobao;
        BestBuy = bestBuy;
    }

    /// <summary>The server's services (to build handlers that differ from the server's own in one dependency).</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>An HTTP handler into the in-process test server (for a gRPC channel that skips the network).</summary>
    public HttpMessageHandler CreateServerHandler() => _factory.Server.CreateHandler();

    /// <summary>The in-process test server's base address.</summary>
    public Uri ServerAddress => _factory.Server.BaseAddress;

    /// <summary>A temp folder deleted with the index (for files a benchmark's setup writes).</summary>
    public string WorkDirectory => _directory;

    /// <summary>The served index file (its queries and popularities are the Lucene peer's dictionary).</summary>
    public string IndexPath => Path.Combine(_directory, IndexFileName);

    /// <summary>The server's Suggest handler.</summary>
    public SuggestHandler Handler { get; }

    /// <summary>The served version (its snapshot and its built typo-tolerant matcher).</summary>
    public ServingIndex Serving { get; }

    /// <summary>The fuzzy matcher's trie of the served version.</summary>
    public FuzzyTrie Trie => Serving.Fuzzy.Ready ?? throw new InvalidOperationException("the fuzzy matcher is not built.");

    /// <summary>The distinct normalized Taobao queries.</summary>
    public List<string> Taobao { get; }

    /// <summary>The distinct normalized Best Buy queries.</summary>
    public List<string> BestBuy { get; }

    /// <summary>The index and server shared by every benchmark of the process (built on first use).</summary>
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

    /// <summary>Stops the shared server and deletes its index file, if it was started.</summary>
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

        // The API's appsettings.json is copied beside this program: make that the content root (WebApplicationFactory
        // otherwise looks for a solution-relative QueryRec.Api folder, which the benchmark's entry point does not give).
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(ContentRootVariable)))
        {
            Environment.SetEnvironmentVariable(ContentRootVariable, AppContext.BaseDirectory);
        }

        var factory = new Host(path);
        var activeIndex = factory.Services.GetRequiredService<ActiveIndex>();
        var handler = factory.Services.GetRequiredService<SuggestHandler>();
        // The host loads the index file before it starts; the typo-tolerant matcher builds in the background.
        var serving = activeIndex.Current ?? throw new InvalidOperationException($"the host did not load {path}.");
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
            + $"server and fuzzy trie ({serving.Fuzzy.Ready!.TextCount:N0} texts, {serving.Fuzzy.Ready.NodeCount:N0} nodes) ready after {stopwatch.Elapsed.TotalSeconds:F1} s"));
        return new BenchIndex(factory, directory, handler, serving, taobao, bestBuy);
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    /// <summary>The real host serving one embedded index file, quiet, with generous budgets.</summary>
    private sealed class Host(string indexPath) : WebApplicationFactory<QueryRecApi>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("QueryRec:Store:IndexPath", indexPath);
            builder.UseSetting("QueryRec:Store:PollInterval", "00:10:00");
            // Generous budgets: a loaded machine must not turn a slow read into a skipped (cheaper) source.
            builder.UseSetting("QueryRec:Suggest:StoreBudget", "00:00:05");
            // Every call runs the pipeline (HotPathBenchmarks measures a response-cache hit with its own cache).
            builder.UseSetting("QueryRec:Suggest:ResponseCache:Enabled", "false");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseEnvironment("Production");
        }
    }
}
