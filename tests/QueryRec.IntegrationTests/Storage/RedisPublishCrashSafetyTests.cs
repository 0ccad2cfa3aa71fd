using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>
/// Redis publish crash safety: a cancelled or stopped publish leaves the previous version serving and the next publish
/// of the version cleans up after it (through the reservation when no directory was written); one publisher at a time.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisPublishCrashSafetyTests(RedisServerFixture redis)
{
    private readonly RedisStoreHarness _redis = new(redis);

    [Fact]
    public async Task PublishAsync_CancelledMidway_LeavesPreviousVersionActiveAndReadable()
    {
        var store = _redis.CreateStore(writeBatchSize: 4);
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var v2 = TestIndexes.Build("v2", count: 2, fillerQueries: 60);
        await RedisStoreHarness.PublishCancelledAfterEightWritesAsync(store, v2);

        var written = _redis.CountKeys("idx:v2:b:*");
        Assert.InRange(written, 1, TestIndexes.Packed(v2, RedisStoreHarness.BucketBytes).Buckets - 1);
        Assert.False(await _redis.Db.KeyExistsAsync(_redis.Prefix + "idx:v2:dir"));
        Assert.Equal("v1", await store.GetActiveVersionAsync());
        Assert.Equal(1, (await store.OpenSnapshot("v1").GetQueryStatsAsync("gear"))?.Count);
        Assert.Equal(["v1"], (await store.GetStatusAsync()).Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task PublishAsync_SameBuildAfterCancelledPublish_Succeeds()
    {
        var store = _redis.CreateStore(writeBatchSize: 4);
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var v2 = TestIndexes.Build("v2", count: 2, fillerQueries: 60);
        await RedisStoreHarness.PublishCancelledAfterEightWritesAsync(store, v2);

        var result = await store.PublishAsync(v2);

        Assert.Equal(("v2", "v1"), (result.Version, result.PreviousVersion));
        Assert.Equal("v2", await store.GetActiveVersionAsync());
        Assert.Equal(2, (await store.OpenSnapshot("v2").GetQueryStatsAsync("gear"))?.Count);
        Assert.Equal(v2.Manifest.Checksum, (await store.ReadBuildAsync("v2")).Manifest.Checksum);
    }

    [Fact]
    public async Task PublishAsync_AfterCancelledPublishOfOtherContent_RemovesStaleKeys()
    {
        var store = _redis.CreateStore();
        var first = TestIndexes.Build("v1", fillerQueries: 3);
        using var cts = new CancellationTokenSource();
        var cancelWhenValidating = new SyncProgress(p =>
        {
            if (p.Phase == "validate")
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PublishAsync(first, cancelWhenValidating, cts.Token));
        Assert.NotNull(await store.OpenSnapshot("v1").GetQueryStatsAsync("filler-002"));

        await store.PublishAsync(TestIndexes.Build("v1", fillerQueries: 1));

        Assert.Null(await store.OpenSnapshot("v1").GetQueryStatsAsync("filler-002"));
        Assert.NotNull(await store.OpenSnapshot("v1").GetQueryStatsAsync("filler-000"));
    }

    [Fact]
    public async Task PublishAsync_AfterPublishStoppedBeforeItsDirectory_UnlinksEveryReservedKey()
    {
        var store = _redis.CreateStore(writeBatchSize: 4);
        var big = TestIndexes.Build("v1", count: 2, fillerQueries: 60);
        await RedisStoreHarness.PublishCancelledAfterEightWritesAsync(store, big);
        Assert.True(await _redis.Db.KeyExistsAsync(_redis.Prefix + "idx:v1:reserved"));
        Assert.False(await _redis.Db.KeyExistsAsync(_redis.Prefix + "idx:v1:dir"));

        var small = TestIndexes.Build("v1", count: 2);
        await store.PublishAsync(small);

        var (buckets, textChunks) = TestIndexes.Packed(small, RedisStoreHarness.BucketBytes);
        Assert.Equal(buckets + textChunks + 2, _redis.CountKeys("idx:v1:*")); // no bucket of the stopped publish is left
        Assert.Equal(small.Manifest.Checksum, (await store.ReadBuildAsync("v1")).Manifest.Checksum);
    }

    [Fact]
    public async Task PublishAsync_WhileAnotherPublishHoldsTheLock_Throws()
    {
        var store = _redis.CreateStore();
        var db = _redis.Db;
        Assert.True(await db.LockTakeAsync(_redis.Prefix + "{ctl}:publishing", "other-publisher", TimeSpan.FromMinutes(1)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PublishAsync(TestIndexes.Build("v1")));

        Assert.Contains("other-publisher", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetActiveVersionAsync());
        Assert.Equal(0, _redis.CountKeys("idx:v1:*"));
    }

    [Fact]
    public async Task PublishAsync_Completed_ReleasesThePublishLock()
    {
        var store = _redis.CreateStore();

        await store.PublishAsync(TestIndexes.Build("v1"));

        Assert.False(await _redis.Db.KeyExistsAsync(_redis.Prefix + "{ctl}:publishing"));
    }
}
