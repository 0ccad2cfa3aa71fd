using BenchmarkDotNet.Attributes;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using QueryRec.Api;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Commands;

namespace QueryRec.Benchmarks;

/// <summary>
/// The framework's share of a call (issue #8, Targets row 1): <c>grpc.health.v1.Health/Check</c> (the baseline: Kestrel
/// in-process test server, HTTP/2 framing, the interceptors, an empty message) against a Suggest response-cache hit
/// through the same in-process channel, for an anonymous caller and for a device without history (the harness's and the
/// storefront's case: the presence memory answers without a store read). The host serves a small simulated vocabulary
/// (<c>indexer simulate --vocabulary 2000</c>, <c>build --queries</c>) from the embedded store, with its own response
/// cache on; every Suggest case cycles over a few prefixes that all stay cached.
/// </summary>
[MemoryDiagnoser]
public class GrpcCallBenchmarks
{
    private static readonly string[] Prefixes = ["a", "b", "c", "d", "e", "s", "t", "m"];

    private Host _host = null!;
    private GrpcChannel _channel = null!;
    private Health.HealthClient _health = null!;
    private QueryRecService.QueryRecServiceClient _client = null!;
    private string _directory = null!;
    private SuggestRequest[] _anonymous = null!;
    private SuggestRequest[] _device = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("queryrec-bench-grpc-").FullName;
        var queries = Path.Combine(_directory, "queries.tsv");
        var index = Path.Combine(_directory, "index.qrx");
        Run(["simulate", "--vocabulary", "2000", "--seed", "1", "--output", queries]);
        Run(["build", "--queries", queries, "--output", index]);
        // The API's appsettings.json is copied beside this program: its content root (as BenchIndex does).
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_QUERYREC_API")))
        {
            Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_QUERYREC_API", AppContext.BaseDirectory);
        }

        _host = new Host(index);
        _channel = GrpcChannel.ForAddress(_host.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = _host.Server.CreateHandler() });
        _health = new Health.HealthClient(_channel);
        _client = new QueryRecService.QueryRecServiceClient(_channel);
        _anonymous = [.. Prefixes.Select(static p => new SuggestRequest { Prefix = p, Limit = 10 })];
        _device = [.. Prefixes.Select(static (p, i) => new SuggestRequest { Prefix = p, Limit = 10, DeviceId = "bench-" + i })];

        // Warm the caches (answers and the devices' presence) and check that the answers are real.
        foreach (var request in _anonymous.Concat(_device))
        {
            if (_client.Suggest(request).Items.Count == 0)
            {
                throw new InvalidOperationException($"No suggestion for '{request.Prefix}': the benchmark would measure an empty answer.");
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _channel.Dispose();
        _host.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Health/Check")]
    public Task<HealthCheckResponse> HealthCheck() => _health.CheckAsync(new HealthCheckRequest()).ResponseAsync;

    [Benchmark(Description = "Suggest cache hit, anonymous")]
    public Task<SuggestResponse> SuggestAnonymousHit() => _client.SuggestAsync(_anonymous[_next++ % _anonymous.Length]).ResponseAsync;

    [Benchmark(Description = "Suggest cache hit, device without history")]
    public Task<SuggestResponse> SuggestDeviceHit() => _client.SuggestAsync(_device[_next++ % _device.Length]).ResponseAsync;

    private static void Run(string[] args)
    {
        using var output = new StringWriter();
        var code = IndexerCli.RunAsync(args, output, output).GetAwaiter().GetResult();
        if (code != 0)
        {
            throw new InvalidOperationException($"indexer {args[0]} failed ({code}): {output}");
        }
    }

    /// <summary>The real host serving one embedded index file, quiet, response cache on (5 minutes: no expiry mid-run).</summary>
    private sealed class Host(string indexPath) : WebApplicationFactory<QueryRecApi>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("QueryRec:Store:IndexPath", indexPath);
            builder.UseSetting("QueryRec:Store:PollInterval", "00:10:00");
            builder.UseSetting("QueryRec:Suggest:StoreBudget", "00:00:05");
            builder.UseSetting("QueryRec:Suggest:ResponseCache:Ttl", "00:05:00");
            builder.UseSetting("QueryRec:Suggest:ResponseCache:HistoryPresenceTtl", "00:05:00");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseEnvironment("Production");
        }
    }
}
