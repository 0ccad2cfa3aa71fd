using System.Collections.Concurrent;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.EndToEnd;

/// <summary>
/// The server on a real Redis while versions are published and rolled back under load: every answer
/// matches exactly one version's expected top-K, and a publish that dies midway never shows.
/// </summary>
public sealed class PublishConsistencyTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly string[] Prefixes = ["g", "ge", "gea", "gear", "h", "ha", "hal", "x", "xb"];

    // Same vocabulary, different popularity: the orders differ between versions for most prefixes.
    private static readonly Dictionary<string, long> V1 = TestIndexes.GameQueries();

    private static readonly Dictionary<string, long> V2 = V1.ToDictionary(p => p.Key, p => 110 - p.Value, StringComparer.Ordinal);

    [Fact]
    public async Task Suggest_HammeredDuringPublishAndRollback_NeverMixesVersions()
    {
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        var store = new RedisIndexStore(redis.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix, WriteBatchSize = 7 });
        var builds = new Dictionary<string, IReadOnlyDictionary<string, long>> { ["hammer-v1"] = V1, ["hammer-v2"] = V2 };
        await store.PublishAsync(TestIndexes.FromQueries("hammer-v1", V1));
        using var factory = QueryRecFactory.Redis(redis.ConnectionString, keyPrefix, TimeSpan.FromMilliseconds(50), storeBudget: TimeSpan.FromSeconds(2));
        var client = factory.CreateClient(factory.CreateChannel());
        var seen = new ConcurrentDictionary<string, int>();
        var degraded = new ConcurrentDictionary<string, int>();
        var mismatches = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();

        async Task HammerAsync(int worker)
        {
            var i = worker;
            while (!stop.IsCancellationRequested)
            {
                var prefix = Prefixes[i++ % Prefixes.Length];
                var response = await client.SuggestAsync(new SuggestRequest { Prefix = prefix });
                var version = response.Metadata.IndexVersion;
                seen.AddOrUpdate(version, 1, static (_, n) => n + 1);
                var actual = response.Items.Select(item => item.Text).ToList();
                if (response.Metadata.Degraded)
                {
                    // A read that missed its budget on this loaded machine: allowed. What it still shows (the near-cache can
                    // serve the prefix source) must be in the order of the version it names: the versions share the
                    // vocabulary and differ in order, so a mix would break it.
                    degraded.AddOrUpdate(version, 1, static (_, n) => n + 1);
                    if (!builds.TryGetValue(version, out var own) || !IsSubsequence(actual, TestIndexes.ExpectedTop(own, prefix, int.MaxValue)))
                    {
                        mismatches.Enqueue($"{version} '{prefix}' degraded, not in that version's order: {string.Join(" | ", actual)}");
                    }

                    continue;
                }

                if (!builds.TryGetValue(version, out var counts) || !actual.SequenceEqual(TestIndexes.ExpectedTop(counts, prefix, 10)))
                {
                    mismatches.Enqueue($"{version} '{prefix}': {string.Join(" | ", actual)}");
                }
            }
        }

        var hammers = Enumerable.Range(0, 4).Select(w => Task.Run(() => HammerAsync(w))).ToArray();
        await Task.Delay(200);
        await store.PublishAsync(TestIndexes.FromQueries("hammer-v2", V2));
        await Polling.ForIndexAsync(client, "hammer-v2", TimeSpan.FromSeconds(5), prefix: "g");
        await Task.Delay(200);
        await store.RollbackAsync();
        await Polling.ForIndexAsync(client, "hammer-v1", TimeSpan.FromSeconds(5), prefix: "g");
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(hammers);

        Assert.Empty(mismatches);
        Assert.True(seen.GetValueOrDefault("hammer-v1") - degraded.GetValueOrDefault("hammer-v1") > 0, string.Join(", ", seen));
        Assert.True(seen.GetValueOrDefault("hammer-v2") - degraded.GetValueOrDefault("hammer-v2") > 0, string.Join(", ", seen));
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public async Task Suggest_PublishDiesMidway_KeepsServingOldVersion()
    {
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        var store = new RedisIndexStore(redis.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix, WriteBatchSize = 4 });
        await store.PublishAsync(TestIndexes.FromQueries("dies-v1", V1));
        using var factory = QueryRecFactory.Redis(redis.ConnectionString, keyPrefix, TimeSpan.FromMilliseconds(50), storeBudget: TimeSpan.FromSeconds(2));
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "dies-v1", TimeSpan.FromSeconds(5), prefix: "g");

        using var kill = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Done > 8)
            {
                kill.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PublishAsync(TestIndexes.FromQueries("dies-v2", V2), progress, kill.Token));
        await Task.Delay(200); // several poll intervals

        foreach (var prefix in Prefixes)
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = prefix });
            Assert.Equal("dies-v1", response.Metadata.IndexVersion);
            Assert.Equal(TestIndexes.ExpectedTop(V1, prefix, 10), response.Items.Select(i => i.Text));
        }

        Assert.Equal("dies-v1", await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task Suggest_RedisStopsAnswering_ReturnsDegradedInsteadOfFailing()
    {
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        await using var server = new RedisServerFixture();
        await server.InitializeAsync();
        var store = new RedisIndexStore(server.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix });
        await store.PublishAsync(TestIndexes.FromQueries("down-v1", V1));
        using var factory = QueryRecFactory.Redis(server.ConnectionString, keyPrefix, TimeSpan.FromMilliseconds(50));
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "down-v1", TimeSpan.FromSeconds(5), prefix: "g");

        await server.DisposeAsync(); // kills redis-server

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ge" });
        Assert.True(response.Metadata.Degraded);
        Assert.Contains(response.Metadata.DegradedReasons, r => r.StartsWith("store_", StringComparison.Ordinal));
        Assert.Equal("down-v1", response.Metadata.IndexVersion);
        Assert.Empty(response.Items);
    }

    private static bool IsSubsequence(IReadOnlyList<string> items, IReadOnlyList<string> order)
    {
        var at = 0;
        foreach (var item in items)
        {
            while (at < order.Count && order[at] != item)
            {
                at++;
            }

            if (at++ >= order.Count)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class SyncProgress(Action<PublishProgress> report) : IProgress<PublishProgress>
    {
        public void Report(PublishProgress value) => report(value);
    }
}
