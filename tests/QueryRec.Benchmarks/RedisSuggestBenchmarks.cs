using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Suggest;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.Benchmarks;

/// <summary>
/// An uncached Suggest call on each store, time and bytes per call (issue #26): the benchmark index served from the
/// embedded store (the baseline, <see cref="BenchIndex.Shared"/>) and the same index file published to a real
/// redis-server that the setup starts on a free loopback port, served by the same pipeline through the Redis store
/// (its near-cache and resilience pipeline included, warm after the warm-up, as a running server's are). Anonymous
/// calls, response cache off: every call recalls, ranks and builds its response.
/// </summary>
public class RedisSuggestBenchmarks
{
    private readonly RedisServerFixture _redis = new();
    private IHost? _host;
    private SuggestHandler _embedded = null!;
    private SuggestHandler _onRedis = null!;
    private SuggestRequest[] _latin = [];
    private SuggestRequest[] _pinyin = [];
    private int _next;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup()
    {
        _host?.StopAsync().GetAwaiter().GetResult();
        _host?.Dispose();
        _redis.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Suggest, embedded store, exact prefix, Latin")]
    public Task<SuggestResponse> EmbeddedLatin() => _embedded.HandleAsync(Pick(_latin), RequestContext.Unbounded(), CancellationToken.None);

    [Benchmark(Description = "Suggest, Redis store, exact prefix, Latin")]
    public Task<SuggestResponse> RedisLatin() => _onRedis.HandleAsync(Pick(_latin), RequestContext.Unbounded(), CancellationToken.None);

    [Benchmark(Description = "Suggest, embedded store, pinyin full")]
    public Task<SuggestResponse> EmbeddedPinyin() => _embedded.HandleAsync(Pick(_pinyin), RequestContext.Unbounded(), CancellationToken.None);

    [Benchmark(Description = "Suggest, Redis store, pinyin full")]
    public Task<SuggestResponse> RedisPinyin() => _onRedis.HandleAsync(Pick(_pinyin), RequestContext.Unbounded(), CancellationToken.None);

    private async Task SetupAsync()
    {
        var index = BenchIndex.Shared;
        _embedded = index.Handler;
        var draw = new BenchInputs(index, SuggestLookupBenchmarks.Seed);
        _latin = [.. draw.ExactLatin().Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit })];
        _pinyin = [.. draw.PinyinFull().Select(static p => new SuggestRequest { Prefix = p, Limit = BenchInputs.Limit })];

        await _redis.InitializeAsync();
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        using (var file = IndexFileReader.Open(index.IndexPath))
        {
            await new RedisIndexStore(_redis.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix }).PublishFileAsync(file);
        }

        var settings = BenchIndex.Settings(index.IndexPath);
        settings.Remove("QueryRec:Store:IndexPath");
        settings["QueryRec:Store:Redis"] = _redis.ConnectionString;
        settings["QueryRec:Store:KeyPrefix"] = keyPrefix;
        _host = await BenchIndex.StartPipelineAsync(settings);
        var active = _host.Services.GetRequiredService<ActiveIndex>();
        await active.WhenCurrentReadyAsync().WaitAsync(TimeSpan.FromMinutes(5));
        _onRedis = _host.Services.GetRequiredService<SuggestHandler>();
        Console.WriteLine($"// Redis store: index {active.Current?.Version} published to 127.0.0.1:{_redis.Port} (prefix {keyPrefix})");
    }

    private T Pick<T>(T[] items) => items[_next++ % items.Length];
}
