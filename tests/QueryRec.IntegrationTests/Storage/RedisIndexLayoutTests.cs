using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>
/// The Redis key layout: packed buckets with untagged data keys and co-located control keys, a manifest without a
/// catalog, versions of one key per record still read, and every key of a version unlinked by retention.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisIndexLayoutTests(RedisServerFixture redis)
{
    private readonly RedisStoreHarness _redis = new(redis);

    [Fact]
    public async Task PublishAsync_Version_WritesUntaggedDataKeysAndCoLocatedControlKeys()
    {
        var store = _redis.CreateStore();

        await store.PublishAsync(TestIndexes.Build("v1"));

        var keys = _redis.Keys("*");
        var control = keys.Where(k => k.StartsWith(_redis.Prefix + "{ctl}:", StringComparison.Ordinal)).ToList();
        var data = keys.Except(control).ToList();
        Assert.Equal([_redis.Prefix + "{ctl}:active", _redis.Prefix + "{ctl}:published", _redis.Prefix + "{ctl}:seq", _redis.Prefix + "{ctl}:versions"], control.Order());
        Assert.Equal(12182, ClusterSlot.Of("foo")); // the helper agrees with the Redis Cluster spec
        Assert.Single(control.Select(ClusterSlot.Of).Distinct());
        Assert.All(data, k => Assert.StartsWith(_redis.Prefix + "idx:v1:", k, StringComparison.Ordinal));
        Assert.All(data, k => Assert.DoesNotContain('{', k));
        Assert.True(data.Select(ClusterSlot.Of).Distinct().Count() > 1);
    }

    [Fact]
    public async Task PublishAsync_Version_StoresManifestWithoutCatalog()
    {
        var store = _redis.CreateStore();
        var build = TestIndexes.Build("v1", fillerQueries: 20);

        await store.PublishAsync(build);

        var bytes = (byte[]?)await _redis.Db.StringGetAsync(_redis.Prefix + "idx:v1:manifest");
        Assert.NotNull(bytes);
        var manifest = IndexManifest.Parser.ParseFrom(bytes);
        Assert.Equal(0, manifest.CatalogChunks);
        Assert.Equal(build.Manifest.Checksum, manifest.Checksum);
    }

    [Fact]
    public async Task PublishAsync_Version_PacksRecordsIntoFewerBucketKeys()
    {
        var store = _redis.CreateStore(bucketBytes: 4096);
        var build = TestIndexes.Build("v1", fillerQueries: 200);

        await store.PublishAsync(build);

        var keys = _redis.Keys("idx:v1:*").Select(k => k[(_redis.Prefix + "idx:v1:").Length..]).ToList();
        Assert.Contains("dir", keys);
        Assert.Contains("manifest", keys);
        Assert.Contains("s:0", keys);
        Assert.All(keys.Except(["dir", "manifest"]), k => Assert.Matches("^[bs]:[0-9]+$", k));
        Assert.InRange(keys.Count(k => k.StartsWith("b:", StringComparison.Ordinal)), 2, build.Records.Count / 10);
    }

    [Fact]
    public async Task OpenSnapshot_VersionPublishedOneKeyPerRecord_IsReadThenDeletedByRetention()
    {
        var old = new RedisIndexStore(
            _redis.Redis,
            new RedisIndexOptions { KeyPrefix = _redis.Prefix, WriteUnpackedLayout = true, CatalogChunkSize = 16 },
            _redis.Time);
        var v1 = TestIndexes.Build("v1", count: 7, fillerQueries: 20);
        await old.PublishAsync(v1);
        Assert.Equal(v1.Records.Count + 2 + 1, _redis.CountKeys("idx:v1:*")); // one key per record, 2 catalog chunks, manifest
        var store = _redis.CreateStore(retainVersions: 1);

        var snapshot = store.OpenSnapshot("v1");
        var node = await snapshot.GetPrefixNodeAsync("ge");
        var nodes = await snapshot.GetCompletionNodesAsync(CompletionTable.Prefix, ["g", "x", "gear"]);
        var exported = await store.ReadBuildAsync("v1");
        await store.PublishAsync(TestIndexes.Build("v2", count: 8));

        Assert.Equal(7, node?.Completions.Single().Count);
        Assert.Equal([true, false, true], nodes.Select(n => n is not null));
        Assert.Equal(v1.Manifest.Checksum, exported.Manifest.Checksum);
        Assert.Equal(0, _redis.CountKeys("idx:v1:*"));
        Assert.Equal(8, (await store.OpenSnapshot("v2").GetPrefixNodeAsync("ge"))?.Completions.Single().Count);
    }

    [Fact]
    public async Task PublishAsync_BeyondRetention_UnlinksEveryKeyOfDeletedVersion()
    {
        var store = _redis.CreateStore(retainVersions: 1);
        var v1 = TestIndexes.Build("v1", fillerQueries: 40);
        await store.PublishAsync(v1);
        var (buckets, textChunks) = TestIndexes.Packed(v1, RedisStoreHarness.BucketBytes);
        Assert.Equal(buckets + textChunks + 2, _redis.CountKeys("idx:v1:*")); // buckets, text chunks, directory, manifest

        var result = await store.PublishAsync(TestIndexes.Build("v2"));

        Assert.Equal(["v1"], result.DeletedVersions);
        Assert.Equal(0, _redis.CountKeys("idx:v1:*"));
        Assert.False(await _redis.Db.HashExistsAsync(_redis.Prefix + "{ctl}:published", "v1"));
        Assert.Equal("v2", await store.GetActiveVersionAsync());
    }
}
