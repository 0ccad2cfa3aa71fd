using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;
using StackExchange.Redis;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>Redis-only behaviour: crash safety of publish, validation before the flip, key layout (packed, and versions of one key per record), deletion.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisIndexStoreTests(RedisServerFixture redis)
{
    private readonly string _prefix = RedisServerFixture.NewKeyPrefix();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task PublishAsync_CancelledMidway_LeavesPreviousVersionActiveAndReadable()
    {
        var store = CreateStore(writeBatchSize: 4);
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var v2 = TestIndexes.Build("v2", count: 2, fillerQueries: 60);
        await PublishCancelledAfterEightWritesAsync(store, v2);

        var written = CountKeys("idx:v2:b:*");
        Assert.InRange(written, 1, TestIndexes.Packed(v2, BucketBytes).Buckets - 1);
        Assert.False(await redis.Redis.GetDatabase().KeyExistsAsync(_prefix + "idx:v2:dir"));
        Assert.Equal("v1", await store.GetActiveVersionAsync());
        Assert.Equal(1, (await store.OpenSnapshot("v1").GetQueryStatsAsync("gear"))?.Count);
        Assert.Equal(["v1"], (await store.GetStatusAsync()).Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task PublishAsync_SameBuildAfterCancelledPublish_Succeeds()
    {
        var store = CreateStore(writeBatchSize: 4);
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var v2 = TestIndexes.Build("v2", count: 2, fillerQueries: 60);
        await PublishCancelledAfterEightWritesAsync(store, v2);

        var result = await store.PublishAsync(v2);

        Assert.Equal(("v2", "v1"), (result.Version, result.PreviousVersion));
        Assert.Equal("v2", await store.GetActiveVersionAsync());
        Assert.Equal(2, (await store.OpenSnapshot("v2").GetQueryStatsAsync("gear"))?.Count);
        Assert.Equal(v2.Manifest.Checksum, (await store.ReadBuildAsync("v2")).Manifest.Checksum);
    }

    [Fact]
    public async Task PublishAsync_AfterCancelledPublishOfOtherContent_RemovesStaleKeys()
    {
        var store = CreateStore();
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
    public async Task PublishAsync_KeyCorruptedBeforeValidation_RefusesFlip()
    {
        var store = CreateStore();
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var v2 = TestIndexes.Build("v2", count: 2);
        var db = redis.Redis.GetDatabase();
        var corruptAfterWrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                // A valid bucket with the same keys and other values: only the checksum can tell.
                db.StringSet(_prefix + "idx:v2:b:0", db.StringGet(_prefix + "idx:v1:b:0"));
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(v2, corruptAfterWrite));

        Assert.Contains("bucket 0 is not what was written", ex.Message, StringComparison.Ordinal);

        Assert.Equal("v1", await store.GetActiveVersionAsync());
        Assert.Equal(["v1"], (await store.GetStatusAsync()).Versions.Select(v => v.Version));
        Assert.False(await db.KeyExistsAsync(_prefix + "idx:v2:manifest"));
    }

    [Fact]
    public async Task PublishAsync_KeyDeletedBeforeValidation_RefusesFlip()
    {
        var store = CreateStore();
        var db = redis.Redis.GetDatabase();
        var deleteAfterWrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                db.KeyDelete(_prefix + "idx:v1:b:1");
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v1"), deleteAfterWrite));

        Assert.Contains("bucket 1 is missing", ex.Message, StringComparison.Ordinal);

        Assert.Null(await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_WhileAnotherPublishHoldsTheLock_Throws()
    {
        var store = CreateStore();
        var db = redis.Redis.GetDatabase();
        Assert.True(await db.LockTakeAsync(_prefix + "{ctl}:publishing", "other-publisher", TimeSpan.FromMinutes(1)));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.PublishAsync(TestIndexes.Build("v1")));

        Assert.Contains("other-publisher", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetActiveVersionAsync());
        Assert.Equal(0, CountKeys("idx:v1:*"));
    }

    [Fact]
    public async Task PublishAsync_Completed_ReleasesThePublishLock()
    {
        var store = CreateStore();

        await store.PublishAsync(TestIndexes.Build("v1"));

        Assert.False(await redis.Redis.GetDatabase().KeyExistsAsync(_prefix + "{ctl}:publishing"));
    }

    [Fact]
    public async Task PublishAsync_BeyondRetention_UnlinksEveryKeyOfDeletedVersion()
    {
        var store = CreateStore(retainVersions: 1);
        var v1 = TestIndexes.Build("v1", fillerQueries: 40);
        await store.PublishAsync(v1);
        var (buckets, textChunks) = TestIndexes.Packed(v1, BucketBytes);
        Assert.Equal(buckets + textChunks + 2, CountKeys("idx:v1:*")); // buckets, text chunks, directory, manifest

        var result = await store.PublishAsync(TestIndexes.Build("v2"));

        Assert.Equal(["v1"], result.DeletedVersions);
        Assert.Equal(0, CountKeys("idx:v1:*"));
        Assert.False(await redis.Redis.GetDatabase().HashExistsAsync(_prefix + "{ctl}:published", "v1"));
        Assert.Equal("v2", await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_Version_WritesUntaggedDataKeysAndCoLocatedControlKeys()
    {
        var store = CreateStore();

        await store.PublishAsync(TestIndexes.Build("v1"));

        var keys = Keys("*");
        var control = keys.Where(k => k.StartsWith(_prefix + "{ctl}:", StringComparison.Ordinal)).ToList();
        var data = keys.Except(control).ToList();
        Assert.Equal([_prefix + "{ctl}:active", _prefix + "{ctl}:published", _prefix + "{ctl}:seq", _prefix + "{ctl}:versions"], control.Order());
        Assert.Equal(12182, ClusterSlot.Of("foo")); // the helper agrees with the Redis Cluster spec
        Assert.Single(control.Select(ClusterSlot.Of).Distinct());
        Assert.All(data, k => Assert.StartsWith(_prefix + "idx:v1:", k, StringComparison.Ordinal));
        Assert.All(data, k => Assert.DoesNotContain('{', k));
        Assert.True(data.Select(ClusterSlot.Of).Distinct().Count() > 1);
    }

    [Fact]
    public async Task PublishAsync_Version_StoresManifestWithoutCatalog()
    {
        var store = CreateStore();
        var build = TestIndexes.Build("v1", fillerQueries: 20);

        await store.PublishAsync(build);

        var bytes = (byte[]?)await redis.Redis.GetDatabase().StringGetAsync(_prefix + "idx:v1:manifest");
        Assert.NotNull(bytes);
        var manifest = IndexManifest.Parser.ParseFrom(bytes);
        Assert.Equal(0, manifest.CatalogChunks);
        Assert.Equal(build.Manifest.Checksum, manifest.Checksum);
    }

    [Fact]
    public async Task PublishAsync_Version_PacksRecordsIntoFewerBucketKeys()
    {
        var store = CreateStore(bucketBytes: 4096);
        var build = TestIndexes.Build("v1", fillerQueries: 200);

        await store.PublishAsync(build);

        var keys = Keys("idx:v1:*").Select(k => k[(_prefix + "idx:v1:").Length..]).ToList();
        Assert.Contains("dir", keys);
        Assert.Contains("manifest", keys);
        Assert.Contains("s:0", keys);
        Assert.All(keys.Except(["dir", "manifest"]), k => Assert.Matches("^[bs]:[0-9]+$", k));
        Assert.InRange(keys.Count(k => k.StartsWith("b:", StringComparison.Ordinal)), 2, build.Records.Count / 10);
    }

    [Fact]
    public async Task PublishAsync_BucketsSwappedBeforeValidation_RefusesFlip()
    {
        // The records are all there (same set, same checksum) but not where the directory says: readers would miss them.
        var store = CreateStore();
        var db = redis.Redis.GetDatabase();
        var swapAfterWrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                var first = db.StringGet(_prefix + "idx:v1:b:0");
                db.StringSet(_prefix + "idx:v1:b:0", db.StringGet(_prefix + "idx:v1:b:1"));
                db.StringSet(_prefix + "idx:v1:b:1", first);
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v1", fillerQueries: 30), swapAfterWrite));

        Assert.Contains("bucket 0 is not what was written", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_TextTableChangedBeforeValidation_RefusesFlip()
    {
        var store = CreateStore();
        var db = redis.Redis.GetDatabase();
        var replaceTexts = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                // One text, as the table holds, but another one: every completion would read "gean".
                db.StringSet(_prefix + "idx:v1:s:0", PackedLayout.Compress([4, .. "gean"u8]));
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v1"), replaceTexts));

        Assert.Contains("text chunk 0 is not what was written", ex.Message, StringComparison.Ordinal);

        Assert.Null(await store.GetActiveVersionAsync());
        Assert.False(await db.KeyExistsAsync(_prefix + "idx:v1:manifest"));
    }

    [Fact]
    public async Task OpenSnapshot_VersionPublishedOneKeyPerRecord_IsReadThenDeletedByRetention()
    {
        var old = new RedisIndexStore(
            redis.Redis,
            new RedisIndexOptions { KeyPrefix = _prefix, WriteUnpackedLayout = true, CatalogChunkSize = 16 },
            _time);
        var v1 = TestIndexes.Build("v1", count: 7, fillerQueries: 20);
        await old.PublishAsync(v1);
        Assert.Equal(v1.Records.Count + 2 + 1, CountKeys("idx:v1:*")); // one key per record, 2 catalog chunks, manifest
        var store = CreateStore(retainVersions: 1);

        var snapshot = store.OpenSnapshot("v1");
        var node = await snapshot.GetPrefixNodeAsync("ge");
        var nodes = await snapshot.GetCompletionNodesAsync(CompletionTable.Prefix, ["g", "x", "gear"]);
        var exported = await store.ReadBuildAsync("v1");
        await store.PublishAsync(TestIndexes.Build("v2", count: 8));

        Assert.Equal(7, node?.Completions.Single().Count);
        Assert.Equal([true, false, true], nodes.Select(n => n is not null));
        Assert.Equal(v1.Manifest.Checksum, exported.Manifest.Checksum);
        Assert.Equal(0, CountKeys("idx:v1:*"));
        Assert.Equal(8, (await store.OpenSnapshot("v2").GetPrefixNodeAsync("ge"))?.Completions.Single().Count);
    }

    [Fact]
    public async Task PublishAsync_DirectoryOverwrittenBeforeValidation_RefusesFlip()
    {
        var store = CreateStore();
        await store.PublishAsync(TestIndexes.Build("v1", fillerQueries: 30));
        var db = redis.Redis.GetDatabase();
        var overwrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                // A valid directory of another version: readers would look records up in the wrong buckets.
                db.StringSet(_prefix + "idx:v2:dir", db.StringGet(_prefix + "idx:v1:dir"));
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v2", fillerQueries: 3), overwrite));

        Assert.Contains("the bucket directory is not what was written", ex.Message, StringComparison.Ordinal);
        Assert.Equal("v1", await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_AfterPublishStoppedBeforeItsDirectory_UnlinksEveryReservedKey()
    {
        var store = CreateStore(writeBatchSize: 4);
        var big = TestIndexes.Build("v1", count: 2, fillerQueries: 60);
        await PublishCancelledAfterEightWritesAsync(store, big);
        Assert.True(await redis.Redis.GetDatabase().KeyExistsAsync(_prefix + "idx:v1:reserved"));
        Assert.False(await redis.Redis.GetDatabase().KeyExistsAsync(_prefix + "idx:v1:dir"));

        var small = TestIndexes.Build("v1", count: 2);
        await store.PublishAsync(small);

        var (buckets, textChunks) = TestIndexes.Packed(small, BucketBytes);
        Assert.Equal(buckets + textChunks + 2, CountKeys("idx:v1:*")); // no bucket of the stopped publish is left
        Assert.Equal(small.Manifest.Checksum, (await store.ReadBuildAsync("v1")).Manifest.Checksum);
    }

    [Fact]
    public async Task PublishFileAsync_TruncatedFile_RefusesFlipAndKeepsPreviousVersion()
    {
        var store = CreateStore();
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var bytes = TestIndexes.FileBytes(TestIndexes.Build("v2", count: 2, fillerQueries: 60));
        using var file = new IndexFileReader(new MemoryStream(bytes[..^5]), "v2.qrx");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishFileAsync(file));

        Assert.True(file.IsInvalid);
        Assert.StartsWith("v2.qrx is truncated", ex.Message, StringComparison.Ordinal);
        Assert.Equal("v1", await store.GetActiveVersionAsync());
        Assert.Equal(["v1"], (await store.GetStatusAsync()).Versions.Select(v => v.Version));
        Assert.False(await redis.Redis.GetDatabase().KeyExistsAsync(_prefix + "idx:v2:manifest"));
        Assert.Equal(1, (await store.OpenSnapshot("v1").GetQueryStatsAsync("gear"))?.Count);
    }

    [Fact]
    public async Task PublishFileAsync_CorruptedValue_RefusesFlipOnTheChecksum()
    {
        var store = CreateStore();
        var build = TestIndexes.Build("v1", count: 2, fillerQueries: 10);
        var bytes = TestIndexes.FileBytes(build);
        bytes[^3] ^= 0x01; // inside the last record's value: only the checksum can tell
        using var file = new IndexFileReader(new MemoryStream(bytes), "v1.qrx");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishFileAsync(file));

        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishFileAsync_ValidFile_ServesTheSameRecordsAsTheBuild()
    {
        var store = CreateStore(bucketBytes: 1024);
        var build = TestIndexes.Build("v1", count: 4, fillerQueries: 120);
        using var file = new IndexFileReader(new MemoryStream(TestIndexes.FileBytes(build)), "v1.qrx");

        var result = await store.PublishFileAsync(file);

        Assert.Equal(build.Records.Count, result.RecordsWritten);
        var read = await store.ReadBuildAsync("v1");
        Assert.Equal(build.Records.Select(r => r.Key), read.Records.Select(r => r.Key));
        Assert.All(build.Records.Zip(read.Records), pair => Assert.Equal(pair.First.Value, pair.Second.Value));
        Assert.Equal(4, (await store.OpenSnapshot("v1").GetPrefixNodeAsync("gea"))?.Completions.Single().Count);
    }

    [Fact]
    public async Task PublishAsync_Progress_ReportsWriteThenValidateUpToTotal()
    {
        var store = CreateStore(writeBatchSize: 5);
        var build = TestIndexes.Build("v1", fillerQueries: 10);
        var reports = new List<PublishProgress>();

        await store.PublishAsync(build, new SyncProgress(reports.Add));

        Assert.Equal(["write", "validate"], reports.Select(r => r.Phase).Distinct());
        Assert.Equal(new PublishProgress("write", build.Records.Count, build.Records.Count), reports.Last(r => r.Phase == "write"));
        Assert.Equal(new PublishProgress("validate", build.Records.Count, build.Records.Count), reports[^1]);
    }

    /// <summary>Starts publishing <paramref name="build"/> and cancels it once 8 records are written.</summary>
    private static async Task PublishCancelledAfterEightWritesAsync(RedisIndexStore store, IndexBuild build)
    {
        using var cts = new CancellationTokenSource();
        var cancelAfterEight = new SyncProgress(p =>
        {
            if (p is { Phase: "write", Done: >= 8 })
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PublishAsync(build, cancelAfterEight, cts.Token));
    }

    /// <summary>Small buckets (a few records each), so that the small test builds span several.</summary>
    private const int BucketBytes = 256;

    private RedisIndexStore CreateStore(int retainVersions = 3, int writeBatchSize = 3, int bucketBytes = BucketBytes)
        => new(
            redis.Redis,
            new RedisIndexOptions { KeyPrefix = _prefix, RetainVersions = retainVersions, WriteBatchSize = writeBatchSize, CatalogChunkSize = 16, BucketBytes = bucketBytes },
            _time);

    private List<string> Keys(string pattern)
    {
        var server = redis.Redis.GetServer(redis.Redis.GetEndPoints()[0]);
        return [.. server.Keys(pattern: _prefix + pattern, pageSize: 1000).Select(k => k.ToString())];
    }

    private int CountKeys(string pattern) => Keys(pattern).Count;
}
