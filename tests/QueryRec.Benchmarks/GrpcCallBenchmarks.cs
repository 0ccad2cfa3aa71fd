using BenchmarkDotNet.Attributes;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Api;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Commands;
using QueryRec.Serving.Index;

namespace QueryRec.Benchmarks;

/// <summary>
/// The framework's share of a call (issue #8, Targets row 1): <c>grpc.health.v1.Health/Check</c> (the baseline: the
/// API host's in-process test server, HTTP/2 framing, the interceptors, an empty message) against Suggest calls through
/// the same kind of in-process channel. The cache-hit cases, for an anonymous caller and for a device without history
/// (the harness's and the storefront's case: the presence memory answers without a store read), run on a host serving
/// a small simulated vocabulary (<c>indexer simulate --vocabulary 2000</c>, <c>build --queries</c>) from the embedded
/// store with its response cache on, cycling over a few prefixes that all stay cached. The uncached case runs the
/// whole pipeline on a host serving the shared benchmark index (<see cref="BenchIndex"/>) with its settings (response
/// cache off) on the exact Latin inputs, i.e. <c>HotPathBenchmarks</c>' "Suggest handler, server's own (heuristic)"
/// plus the gRPC layer. This class is why the benchmark project references Microsoft.AspNetCore.Mvc.Testing: the gRPC
/// layer is only there in the API host (<see cref="WebApplicationFactory{TEntryPoint}"/> and its test server); every
/// other benchmark calls the pipeline on a generic host.
/// </summary>
[MemoryDiagnoser]
public class GrpcCallBenchmarks
{
    private static readonly string[] Prefixes = ["a", "b", "c", "d", "e", "s", "t", "m"];

    private Host _host = null!;
    private GrpcChannel _channel = null!;
    private Health.HealthClient _health = null!;
    private QueryRecService.QueryRecServiceClient _client = null!;
    private string? _directory;
    private SuggestRequest[] _anonymous = null!;
    private SuggestRequest[] _device = null!;
    private SuggestRequest[] _uncached = null!;
    private int _next;

    [GlobalSetup(Targets = [nameof(HealthCheck), nameof(SuggestAnonymousHit), nameof(SuggestDeviceHit)])]
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

    [GlobalSetup(Target = nameof(SuggestUncached))]
    public void SetupBenchIndex()
    {
        var index = BenchIndex.Shared;
        Start(BenchIndex.Settings(index.IndexPath));
        _uncached = [.. new BenchInputs(index, SuggestLookupBenchmarks.Seed).ExactLatin().Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit })];
        Check(_uncached[0]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _host.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "Health/Check")]
    public Task<HealthCheckResponse> HealthCheck() => _health.CheckAsync(new HealthCheckRequest()).ResponseAsync;

    [Benchmark(Description = "Suggest cache hit, anonymous")]
    public Task<SuggestResponse> SuggestAnonymousHit() => _client.SuggestAsync(_anonymous[_next++ % _anonymous.Length]).ResponseAsync;

    [Benchmark(Description = "Suggest cache hit, device without history")]
    public Task<SuggestResponse> SuggestDeviceHit() => _client.SuggestAsync(_device[_next++ % _device.Length]).ResponseAsync;

    [Benchmark(Description = "Suggest, response cache off, benchmark index (heuristic)")]
    public Task<SuggestResponse> SuggestUncached() => _client.SuggestAsync(_uncached[_next++ % _uncached.Length]).ResponseAsync;

    private static void Run(string[] args)
    {
        using var output = new StringWriter();
        var code = IndexerCli.RunAsync(args, output, output).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"indexer {args[0]} failed ({code}): {output}");
        }
    }

    /// <summary>Starts the API host with <paramref name="settings"/> and opens a channel into its test server.</summary>
    private void Start(IReadOnlyDictionary<string, string?> settings)
    {
        // The API's appsettings.json is copied beside this program: make that the content root (WebApplicationFactory
        // otherwise looks for a solution-relative QueryRec.Api folder, which the benchmark's entry point does not give).
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_QUERYREC_API")))
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_QUERYREC_API", AppContext.BaseDirectory);
        }

        _host = new Host(settings);
        // As BenchIndex: no call may be measured while the typo-tolerant matcher still builds in the background.
        _host.Services.GetRequiredService<ActiveIndex>().WhenCurrentReadyAsync().WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        _channel = GrpcChannel.ForAddress(_host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _host.Server.CreateHandler() });
        _health = new Health.HealthClient(_channel);
        _client = new QueryRecService.QueryRecServiceClient(_channel);
    }

    private void Check(SuggestRequest request)
    {
        if (_client.Suggest(request).Items.Count == 0)
        {
            throw new InvalidOperationException($"No suggestion for '{request.Prefix}': the benchmark would measure an empty answer.");
        }
    }

    /// <summary>The real API host (Production environment) with settings over its appsettings.json.</summary>
    private sealed class Host(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<QueryRecApi>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseEnvironment("Production");
        }
    }
}
