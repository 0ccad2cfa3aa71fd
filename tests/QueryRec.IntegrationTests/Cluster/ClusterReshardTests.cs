using Microsoft.Extensions.Time.Testing;
using QueryRec.Storage;
using QueryRec.Storage.Realtime;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Cluster;

/// <summary>
/// Slots move while the stores run, as when an operator rebalances the cluster (<c>redis-cli --cluster reshard</c>):
/// reads and writes issued during the migration get ASK, and after it MOVED, on a connection whose slot map is stale.
/// The client must follow both; one surfacing as an exception fails the test.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterReshardTests(RedisClusterFixture cluster) : IAsyncLifetime
{
    private const int Slots = 3000;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = RedisServerFixture.NewKeyPrefix();

    public Task InitializeAsync() => cluster.FlushAllAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Reshard_WhileServing_ReadsWritesPublishAndRollbackFollowTheSlots()
    {
        // Opened before the reshard, so its slot map goes stale.
        await using var redis = await RedisConnection.ConnectAsync(cluster.ConnectionString);
        var store = new RedisIndexStore(redis, new RedisIndexOptions { KeyPrefix = _prefix, RetainVersions = 3, BucketBytes = ClusterIndexStoreTests.MinimumBucketBytes }, _time);
        var realtime = new RedisRealtimeStore(redis, _prefix, new RealtimeOptions(), _time);
        var v1 = await ClusterBuilds.BuildAsync("r-v1");
        await store.PublishAsync(v1);
        var before = await cluster.KeysPerMasterAsync();

        using var stop = new CancellationTokenSource();
        var rounds = 0;
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested || rounds == 0)
            {
                await ReadEverythingAsync(store.OpenSnapshot("r-v1"), v1);
                var subject = "u:round-" + rounds;
                await realtime.MarkEventsSeenAsync([subject + "-e1", subject + "-e2"]);
                await realtime.ApplyAsync([new(RealtimeUpdateKind.RecentQuery, subject, "tv", _time.GetUtcNow()), new(RealtimeUpdateKind.Trending, subject, "tv", _time.GetUtcNow())]);
                Assert.Equal("tv", Assert.Single(await realtime.GetRecentQueriesAsync(subject, 5)).Value);
                rounds++;
            }
        });

        await cluster.ReshardAsync(from: 0, to: 1, Slots);
        await stop.CancelAsync();
        await serving;

        var after = await cluster.KeysPerMasterAsync();
        Assert.True(after[0] < before[0] && after[1] > before[1], $"The reshard moved no keys: before [{string.Join(", ", before)}], after [{string.Join(", ", after)}].");

        // After the move, on the same connection: reads, a publish, a rollback, the real-time reads.
        await ReadEverythingAsync(store.OpenSnapshot("r-v1"), v1);
        await store.PublishAsync(await ClusterBuilds.BuildAsync("r-v2"));
        Assert.Equal("r-v1", await store.RollbackAsync());
        Assert.Equal(v1.Manifest.Checksum, (await store.ReadBuildAsync("r-v1")).Manifest.Checksum);
        Assert.Equal(rounds, (await realtime.GetTrendingAsync(_time.GetUtcNow(), 5)).Single(t => t.Query == "tv").Count);

        // Give the slots back, so the other tests of the collection see an even cluster.
        await cluster.ReshardAsync(from: 1, to: 0, Slots);
        await ReadEverythingAsync(store.OpenSnapshot("r-v1"), v1);
    }

    private static async Task ReadEverythingAsync(IIndexSnapshot snapshot, IndexBuild build)
    {
        var keys = build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.PrefixKind).Select(r => r.Key[2..]).ToList();
        var nodes = await snapshot.GetCompletionNodesAsync(CompletionTable.Prefix, keys);
        Assert.All(nodes, n => Assert.NotNull(n));
        foreach (var record in build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.QueryKind))
        {
            Assert.NotNull(await snapshot.GetQueryStatsAsync(record.Key[2..]));
        }

        Assert.NotNull(await snapshot.GetInfoAsync());
    }
}
