using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>
/// Redis publish validation: a key missing, changed, swapped or overwritten after it was written refuses the flip; the
/// progress goes through writing, then validating, up to the total.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisPublishValidationTests(RedisServerFixture redis)
{
    private readonly RedisStoreHarness _redis = new(redis);

    [Fact]
    public async Task PublishAsync_KeyCorruptedBeforeValidation_RefusesFlip()
    {
        var store = _redis.CreateStore();
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var v2 = TestIndexes.Build("v2", count: 2);
        var db = _redis.Db;
        var corruptAfterWrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                // A valid bucket with the same keys and other values: only the checksum can tell.
                db.StringSet(_redis.Prefix + "idx:v2:b:0", db.StringGet(_redis.Prefix + "idx:v1:b:0"));
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(v2, corruptAfterWrite));

        Assert.Contains("bucket 0 is not what was written", ex.Message, StringComparison.Ordinal);

        Assert.Equal("v1", await store.GetActiveVersionAsync());
        Assert.Equal(["v1"], (await store.GetStatusAsync()).Versions.Select(v => v.Version));
        Assert.False(await db.KeyExistsAsync(_redis.Prefix + "idx:v2:manifest"));
    }

    [Fact]
    public async Task PublishAsync_KeyDeletedBeforeValidation_RefusesFlip()
    {
        var store = _redis.CreateStore();
        var db = _redis.Db;
        var deleteAfterWrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                db.KeyDelete(_redis.Prefix + "idx:v1:b:1");
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v1"), deleteAfterWrite));

        Assert.Contains("bucket 1 is missing", ex.Message, StringComparison.Ordinal);

        Assert.Null(await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_BucketsSwappedBeforeValidation_RefusesFlip()
    {
        // The records are all there (same set, same checksum) but not where the directory says: readers would miss them.
        var store = _redis.CreateStore();
        var db = _redis.Db;
        var swapAfterWrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                var first = db.StringGet(_redis.Prefix + "idx:v1:b:0");
                db.StringSet(_redis.Prefix + "idx:v1:b:0", db.StringGet(_redis.Prefix + "idx:v1:b:1"));
                db.StringSet(_redis.Prefix + "idx:v1:b:1", first);
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v1", fillerQueries: 30), swapAfterWrite));

        Assert.Contains("bucket 0 is not what was written", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_TextTableChangedBeforeValidation_RefusesFlip()
    {
        var store = _redis.CreateStore();
        var db = _redis.Db;
        var replaceTexts = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                // One text, as the table holds, but another one: every completion would read "gean".
                db.StringSet(_redis.Prefix + "idx:v1:s:0", PackedLayout.Compress([4, .. "gean"u8]));
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v1"), replaceTexts));

        Assert.Contains("text chunk 0 is not what was written", ex.Message, StringComparison.Ordinal);

        Assert.Null(await store.GetActiveVersionAsync());
        Assert.False(await db.KeyExistsAsync(_redis.Prefix + "idx:v1:manifest"));
    }

    [Fact]
    public async Task PublishAsync_DirectoryOverwrittenBeforeValidation_RefusesFlip()
    {
        var store = _redis.CreateStore();
        await store.PublishAsync(TestIndexes.Build("v1", fillerQueries: 30));
        var db = _redis.Db;
        var overwrite = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done == p.Total)
            {
                // A valid directory of another version: readers would look records up in the wrong buckets.
                db.StringSet(_redis.Prefix + "idx:v2:dir", db.StringGet(_redis.Prefix + "idx:v1:dir"));
            }
        });

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishAsync(TestIndexes.Build("v2", fillerQueries: 3), overwrite));

        Assert.Contains("the bucket directory is not what was written", ex.Message, StringComparison.Ordinal);
        Assert.Equal("v1", await store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_Progress_ReportsWriteThenValidateUpToTotal()
    {
        var store = _redis.CreateStore(writeBatchSize: 5);
        var build = TestIndexes.Build("v1", fillerQueries: 10);
        var reports = new List<PublishProgress>();

        await store.PublishAsync(build, new SyncProgress(reports.Add));

        Assert.Equal(["write", "validate"], reports.Select(r => r.Phase).Distinct());
        Assert.Equal(new PublishProgress("write", build.Records.Count, build.Records.Count), reports.Last(r => r.Phase == "write"));
        Assert.Equal(new PublishProgress("validate", build.Records.Count, build.Records.Count), reports[^1]);
    }
}
