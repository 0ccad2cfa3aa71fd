using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Api.Hosting;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Commands;
using QueryRec.Serving.Index;

namespace QueryRec.Benchmarks;

/// <summary>
/// The framework's share of a call (issue #8, Targets row 1): a no-op method (the baseline, <see cref="NoOpService"/>:
/// the API host's in-process test server, HTTP/2 framing, an empty message, nothing else) and
/// <c>grpc.health.v1.Health/Check</c> (what a probe costs) against Suggest calls through
/// the same kind of in-process channel. The cache-hit cases, for an anonymous caller and for a device without history
/// (the harness's and the storefront's case: the presence memory answers without a store read), run on a host serving
/// a small simulated vocabulary (<c>indexer simulate --vocabulary 2000</c>, <c>build --queries</c>) from the embedded
/// store with its response cache on, cycling over a few prefixes that all stay cached. The uncached case runs the
/// whole pipeline on a host serving the shared benchmark index (<see cref="BenchIndex"/>) with its settings (response
/// cache off) on the exact Latin inputs, i.e. <c>HotPathBenchmarks</c>' "Suggest handler, server's own (heuristic)"
/// plus the gRPC layer. This class is why the benchmark project references Microsoft.AspNetCore.Mvc.Testing (for its
/// test server): the gRPC layer is only there in the API host (<see cref="QueryRecHost"/> on a test server, the no-op
/// service mapped beside the real ones); every other benchmark calls the pipeline on a generic host.
/// </summary>
[MemoryDiagnoser]
public class GrpcCallBenchmarks
{
    private static readonly string[] Prefixes = ["a", "b", "c", "d", "e", "s", "t", "m"];

    private WebApplication _host = null!;
    private GrpcChannel _channel = null!;
    private Health.HealthClient _health = null!;
    private CallInvoker _invoker = null!;
    private QueryRecService.QueryRecServiceClient _client = null!;
    private string? _directory;
    private SuggestRequest[] _anonymous = null!;
    private SuggestRequest[] _device = null!;
    private SuggestRequest[] _uncached = null!;
    private DiscoverRequest[] _discover = null!;
    private CorrectRequest[] _correct = null!;
    private DiscoverRequest[] _alternatives = null!;
    private int _next;

    [GlobalSetup(Targets = [nameof(NoOp), nameof(HealthCheck), nameof(SuggestAnonymousHit), nameof(SuggestDeviceHit)])]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("queryrec-bench-grpc-").FullName;
        var queries = Path.Combine(_directory, "queries.tsv");
        var index = Path.Combine(_directory, "index.qrx");
        Run(["simulate", "--vocabulary", "2000", "--seed", "1", "--output", queries]);
        Run(["build", "--queries", queries, "--output", index]);
        Start(new Dictionary<string, string?>
        {
            ["QueryRec:Store:IndexPath"] = index,
            ["QueryRec:Store:PollInterval"] = "00:10:00",
            ["QueryRec:Suggest:StoreBudget"] = "00:00:05",
            // No expiry mid-run: every cached case stays a hit.
            ["QueryRec:Suggest:ResponseCache:Ttl"] = "00:05:00",
            ["QueryRec:Suggest:ResponseCache:HistoryPresenceTtl"] = "00:05:00",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _anonymous = [.. Prefixes.Select(static p => new SuggestRequest { Prefix = p, Limit = 10 })];
        _device = [.. Prefixes.Select(static (p, i) => new SuggestRequest { Prefix = p, Limit = 10, DeviceId = "bench-" + i })];

        // Warm the caches (answers and the devices' presence) and check that the answers are real.
        foreach (var request in _anonymous.Concat(_device))
        {
            Check(request);
        }
    }

    [GlobalSetup(Targets = [nameof(SuggestUncached), nameof(DiscoverBrowsing), nameof(Correct), nameof(DiscoverAlternatives)])]
    public void SetupBenchIndex() => StartOnBenchIndex(null);

    /// <summary>
    /// The same host with a Discover model: trained by <c>train --discovery</c> with its defaults (100 trees of 8
    /// leaves) on a simulated log, as docs/ranking.md recommends; its cost per call does not depend on what it learned.
    /// </summary>
    [GlobalSetup(Targets = [nameof(DiscoverBrowsingLearned)])]
    public void SetupBenchIndexLearned()
    {
        _directory = Directory.CreateTempSubdirectory("queryrec-bench-discovery-").FullName;
        var events = Path.Combine(_directory, "sim.jsonl");
        var model = Path.Combine(_directory, "discovery.onnx");
        Run(["simulate", "--output", events, "--users", "1000", "--days", "14", "--start", "2026-11-01"]);
        Run(["train", "--discovery", "--events", events, "--from", "2026-11-08T00:00:00Z", "--until", "2026-11-15T00:00:00Z", "--output", model]);
        StartOnBenchIndex(model);
        var answered = _discover.Select(r => _client.Discover(r)).First(static a => a.Sections[0].Items.Count > 0);
        if (answered.Metadata.ModelVersion == QueryRec.Serving.Ranking.HeuristicScorer.ModelVersion)
        {
            throw new InvalidOperationException("Discover did not rank with the model.");
        }
    }

    private void StartOnBenchIndex(string? discoveryModel)
    {
        var index = BenchIndex.Shared;
        var settings = BenchIndex.Settings(index.IndexPath);
        if (discoveryModel is not null)
        {
            settings["QueryRec:Ranking:Discovery:ModelPath"] = discoveryModel;
        }

        Start(settings);
        _uncached = [.. new BenchInputs(index, SuggestLookupBenchmarks.Seed).ExactLatin().Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit })];
        Check(_uncached[0]);

        // Result pages of whole Best Buy queries: RELATED (the rd: lists), REFINE and CLICK_BACK (no item: empty).
        _discover = [.. index.BestBuy.Take(BenchInputs.Count).Select(static q => new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Scene = Scene.SearchResult,
            Context = new PageContext { Query = q },
            Limit = BenchInputs.Limit,
        })];
        if (_discover.All(r => _client.Discover(r).Sections[0].Items.Count == 0))
        {
            throw new InvalidOperationException("Discover answered no RELATED query for any benchmark input.");
        }

        // Submitted queries that need correcting: one-edit typos of Best Buy prefixes and homophones of Taobao prefixes,
        // alternated; the same texts as zero-result pages for the ALTERNATIVES section.
        var draw = new BenchInputs(index, SuggestLookupBenchmarks.Seed);
        string[] typos = [.. draw.Typo1().Zip(draw.Homophone()).SelectMany(static p => new[] { p.First, p.Second })];
        _correct = [.. typos.Select(static q => new CorrectRequest { Query = q, Stage = Stage.Browsing, Scene = Scene.SearchResult })];
        _alternatives = [.. typos.Select(static q => new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Scene = Scene.SearchResult,
            Context = new PageContext { Query = q },
            ResultCount = 0,
            Limit = BenchInputs.Limit,
            Sections = { SectionKind.Alternatives },
        })];
        if (_correct.All(r => _client.Correct(r).Correction is null))
        {
            throw new InvalidOperationException("Correct corrected none of the benchmark inputs.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _host.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)_host).Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "No-op method")]
    public Task<HealthCheckResponse> NoOp() => _invoker.AsyncUnaryCall(NoOpService.Method, null, default, new HealthCheckRequest()).ResponseAsync;

    [Benchmark(Description = "Health/Check")]
    public Task<HealthCheckResponse> HealthCheck() => _health.CheckAsync(new HealthCheckRequest()).ResponseAsync;

    [Benchmark(Description = "Suggest cache hit, anonymous")]
    public Task<SuggestResponse> SuggestAnonymousHit() => _client.SuggestAsync(_anonymous[_next++ % _anonymous.Length]).ResponseAsync;

    [Benchmark(Description = "Suggest cache hit, device without history")]
    public Task<SuggestResponse> SuggestDeviceHit() => _client.SuggestAsync(_device[_next++ % _device.Length]).ResponseAsync;

    [Benchmark(Description = "Suggest, response cache off, benchmark index (heuristic)")]
    public Task<SuggestResponse> SuggestUncached() => _client.SuggestAsync(_uncached[_next++ % _uncached.Length]).ResponseAsync;

    [Benchmark(Description = "Discover BROWSING (RELATED, REFINE, CLICK_BACK), benchmark index")]
    public Task<DiscoverResponse> DiscoverBrowsing() => _client.DiscoverAsync(_discover[_next++ % _discover.Length]).ResponseAsync;

    [Benchmark(Description = "Discover BROWSING, learned Discover ranker, benchmark index")]
    public Task<DiscoverResponse> DiscoverBrowsingLearned() => _client.DiscoverAsync(_discover[_next++ % _discover.Length]).ResponseAsync;

    [Benchmark(Description = "Correct, typo and homophone inputs, benchmark index")]
    public Task<CorrectResponse> Correct() => _client.CorrectAsync(_correct[_next++ % _correct.Length]).ResponseAsync;

    [Benchmark(Description = "Discover ALTERNATIVES of a zero-result query, benchmark index")]
    public Task<DiscoverResponse> DiscoverAlternatives() => _client.DiscoverAsync(_alternatives[_next++ % _alternatives.Length]).ResponseAsync;

    private static void Run(string[] args)
    {
        using var output = new StringWriter();
        var code = IndexerCli.RunAsync(args, output, output).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"indexer {args[0]} failed ({code}): {output}");
        }
    }

    /// <summary>Starts the API host (Production environment) with <paramref name="settings"/> over its appsettings.json, the no-op service mapped beside its own.</summary>
    private void Start(IReadOnlyDictionary<string, string?> settings)
    {
        // The API's appsettings.json is copied beside this program: that is the content root.
        var options = new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory };
        _host = QueryRecHost.Build(options, builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(settings);
            // Bare whatever the host registers for every service: the floor has no interceptor.
            builder.Services.AddGrpc().AddServiceOptions<NoOpService>(static o => o.Interceptors.Clear());
        });
        _host.MapGrpcService<NoOpService>();
        _host.StartAsync().GetAwaiter().GetResult();
        // As BenchIndex: no call may be measured while the typo-tolerant matcher still builds in the background.
        _host.Services.GetRequiredService<ActiveIndex>().WhenCurrentReadyAsync().WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        var server = _host.GetTestServer();
        _channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        _health = new Health.HealthClient(_channel);
        _invoker = _channel.CreateCallInvoker();
        _client = new QueryRecService.QueryRecServiceClient(_channel);
        if (_invoker.BlockingUnaryCall(NoOpService.Method, null, default, new HealthCheckRequest()).Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            throw new InvalidOperationException("The no-op method did not answer.");
        }

        // The baseline runs first, and --quick gives it one warm-up iteration: the in-process toolchain would otherwise
        // measure the channel and server code still in their first JIT tiers (a 4x spread over 3 iterations).
        for (var i = 0; i < 20_000; i++)
        {
            NoOp().GetAwaiter().GetResult();
            HealthCheck().GetAwaiter().GetResult();
        }
    }

    private void Check(SuggestRequest request)
    {
        if (_client.Suggest(request).Items.Count == 0)
        {
            throw new InvalidOperationException($"No suggestion for '{request.Prefix}': the benchmark would measure an empty answer.");
        }
    }
}
