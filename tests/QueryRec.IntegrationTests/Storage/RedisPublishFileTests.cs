using QueryRec.Storage;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>Redis publish of an index file in one streaming pass: a file that does not verify is refused before the flip.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisPublishFileTests(RedisServerFixture redis)
{
    private readonly RedisStoreHarness _redis = new(redis);

    [Fact]
    public async Task PublishFileAsync_TruncatedFile_RefusesFlipAndKeepsPreviousVersion()
    {
        var store = _redis.CreateStore();
        await store.PublishAsync(TestIndexes.Build("v1", count: 1));
        var bytes = TestIndexes.FileBytes(TestIndexes.Build("v2", count: 2, fillerQueries: 60));
        using var file = new IndexFileReader(new MemoryStream(bytes[..^5]), "v2.qrx");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.PublishFileAsync(file));

        Assert.True(file.IsInvalid);
        Assert.StartsWith("v2.qrx is truncated", ex.Message, StringComparison.Ordinal);
        Assert.Equal("v1", await store.GetActiveVersionAsync());
        Assert.Equal(["v1"], (await store.GetStatusAsync()).Versions.Select(v => v.Version));
        Assert.False(await _redis.Db.KeyExistsAsync(_redis.Prefix + "idx:v2:manifest"));
        Assert.Equal(1, (await store.OpenSnapshot("v1").GetQueryStatsAsync("gear"))?.Count);
    }

    [Fact]
    public async Task PublishFileAsync_CorruptedValue_RefusesFlipOnTheChecksum()
    {
        var store = _redis.CreateStore();
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
        var store = _redis.CreateStore(bucketBytes: 1024);
        var build = TestIndexes.Build("v1", count: 4, fillerQueries: 120);
        using var file = new IndexFileReader(new MemoryStream(TestIndexes.FileBytes(build)), "v1.qrx");

        var result = await store.PublishFileAsync(file);

        Assert.Equal(build.Records.Count, result.RecordsWritten);
        var read = await store.ReadBuildAsync("v1");
        Assert.Equal(build.Records.Select(r => r.Key), read.Records.Select(r => r.Key));
        Assert.All(build.Records.Zip(read.Records), pair => Assert.Equal(pair.First.Value, pair.Second.Value));
        Assert.Equal(4, (await store.OpenSnapshot("v1").GetPrefixNodeAsync("gea"))?.Completions.Single().Count);
    }
}
