using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Timeout;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;
using StackExchange.Redis;

namespace QueryRec.UnitTests.Serving.Resilience;

public sealed class StoreResilienceTests
{
    private static ResilienceOptions Breaker(int minimumThroughput = 4)
    {
        var options = new ResilienceOptions();
        options.CircuitBreaker.MinimumThroughput = minimumThroughput;
        options.CircuitBreaker.FailureRatio = 0.5;
        options.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(2);
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
        return options;
    }

    private static RedisException Down() => new("redis is down");

    private static Exception Garbage()
    {
        try
        {
            _ = QueryRec.Storage.V1.PrefixNode.Parser.ParseFrom([0xFF, 0xFF, 0xFF]);
            throw new InvalidOperationException("garbage parsed");
        }
        catch (InvalidProtocolBufferException ex)
        {
            return ex;
        }
    }

    private static async Task FailReadsAsync(ResilienceTestHost host, int count)
    {
        var snapshot = host.Store.OpenSnapshot("v1");
        for (var i = 0; i < count; i++)
        {
            await Assert.ThrowsAnyAsync<Exception>(async () => await snapshot.GetPrefixNodeAsync("miss" + i));
        }
    }

    [Fact]
    public async Task Read_AfterRedisFailuresOpenTheCircuit_FailsFastWithoutReachingRedis()
    {
        using var host = new ResilienceTestHost(Breaker(), new FakeTimeProvider());
        host.Inner.Fault = Down;
        await FailReadsAsync(host, 4);
        Assert.True(host.Resilience.IsOpen);
        var reads = host.Inner.Reads;

        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await host.Store.OpenSnapshot("v1").GetPrefixNodeAsync("ge"));

        Assert.Equal(reads, host.Inner.Reads);
        Assert.Equal(1, host.Count(QueryRecInstrumentation.CircuitStateName, "state=open"));
    }

    [Fact]
    public async Task Read_RefusedByOpenCircuit_IsReportedByTheCallThatCaughtIt()
    {
        using var host = new ResilienceTestHost(Breaker(), new FakeTimeProvider());
        host.Inner.Fault = Down;
        await FailReadsAsync(host, 4);
        var scope = new CallScope(DateTime.MaxValue, TimeProvider.System);

        var refused = await Assert.ThrowsAsync<BrokenCircuitException>(async () => await host.Store.OpenSnapshot("v1").GetPrefixNodeAsync("ge"));
        scope.AddStoreFault(refused);

        Assert.Equal([CallScope.CircuitOpenReason], scope.Reasons());
    }

    [Fact]
    public async Task Read_OfCorruptValues_NeverOpensTheCircuit()
    {
        using var host = new ResilienceTestHost(Breaker(), new FakeTimeProvider());
        host.Inner.Fault = Garbage;

        await FailReadsAsync(host, 20);

        Assert.Equal(CircuitState.Closed, host.Resilience.State);
        Assert.Equal(20, host.Inner.Reads);
    }

    [Fact]
    public async Task Read_AfterBreakDurationWithRedisBack_ClosesTheCircuit()
    {
        var time = new FakeTimeProvider();
        using var host = new ResilienceTestHost(Breaker(), time);
        host.Inner.Fault = Down;
        await FailReadsAsync(host, 4);
        host.Inner.Fault = null;

        time.Advance(TimeSpan.FromSeconds(3));
        var node = await host.Store.OpenSnapshot("v1").GetPrefixNodeAsync("ge");

        Assert.NotNull(node);
        Assert.Equal(CircuitState.Closed, host.Resilience.State);
        Assert.Equal(1, host.Count(QueryRecInstrumentation.CircuitStateName, "state=closed"));
    }

    [Fact]
    public async Task Read_CachedWhileCircuitOpen_IsServedAndCountedAsNearCacheFallback()
    {
        using var host = new ResilienceTestHost(Breaker(), new FakeTimeProvider());
        var snapshot = host.Store.OpenSnapshot("v1");
        _ = await snapshot.GetPrefixNodeAsync("ge");
        host.Inner.Fault = Down;
        await FailReadsAsync(host, 4);

        var node = await snapshot.GetPrefixNodeAsync("ge");

        Assert.Equal(FakeIndexStore.TextOf("v1", "ge"), node!.Completions[0].Text);
        Assert.Equal(1, host.Count(QueryRecInstrumentation.FallbackName, "kind=" + QueryRecInstrumentation.KindNearCache));
    }

    [Fact]
    public async Task Read_ThatHangsPastReadTimeout_IsRejectedAsTimeout()
    {
        var options = Breaker();
        options.ReadTimeout = TimeSpan.FromMilliseconds(50);
        using var host = new ResilienceTestHost(options);
        var hanging = new HangingStore();
        var store = new ResilientIndexStore(hanging, host.Resilience, host.Cache);

        await Assert.ThrowsAsync<TimeoutRejectedException>(async () => await store.OpenSnapshot("v1").GetPrefixNodeAsync("ge"));
    }

    /// <summary>A store whose prefix reads never answer until cancelled.</summary>
    private sealed class HangingStore : QueryRec.Storage.IIndexStore
    {
        private readonly FakeIndexStore _fake = new();

        public string Name => "hanging";

        public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default) => _fake.GetActiveVersionAsync(cancellationToken);

        public QueryRec.Storage.IIndexSnapshot OpenSnapshot(string version) => new Snapshot(_fake.OpenSnapshot(version));

        public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default) => Task.CompletedTask;

        private sealed class Snapshot(QueryRec.Storage.IIndexSnapshot inner) : QueryRec.Storage.IIndexSnapshot
        {
            public string Version => inner.Version;

            public async ValueTask<QueryRec.Storage.V1.PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return null;
            }

            public ValueTask<QueryRec.Storage.V1.PrefixNode?> GetCompletionNodeAsync(QueryRec.Storage.CompletionTable table, string key, CancellationToken cancellationToken = default) => GetPrefixNodeAsync(key, cancellationToken);

            public ValueTask<IReadOnlyList<QueryRec.Storage.V1.PrefixNode?>> GetCompletionNodesAsync(QueryRec.Storage.CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.GetCompletionNodesAsync(table, keys, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default) => inner.GetVocabularyChunkAsync(chunk, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetQueryStatsAsync(normalizedQuery, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);

            public ValueTask<QueryRec.Storage.V1.RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRelatedQueriesAsync(normalizedQuery, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRefinementsAsync(normalizedQuery, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetDiscoveryRelatedAsync(normalizedQuery, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default) => inner.GetItemQueriesAsync(itemId, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default) => inner.GetHotAsync(category, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default) => inner.GetTrendingAsync(category, cancellationToken);

            public ValueTask<QueryRec.Storage.V1.PinList?> GetPinsAsync(CancellationToken cancellationToken = default) => inner.GetPinsAsync(cancellationToken);

            public ValueTask<QueryRec.Storage.V1.RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default) => inner.GetRankingModelAsync(cancellationToken);
        }
    }
}
