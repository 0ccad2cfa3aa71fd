using Microsoft.Extensions.Time.Testing;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;
using StackExchange.Redis;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>
/// What the Redis index store tests share: a key prefix of their own (one harness per test, so tests never see each
/// other's keys), a fake clock, stores with small batches and buckets, and key listings under the prefix.
/// </summary>
internal sealed class RedisStoreHarness(RedisServerFixture fixture)
{
    /// <summary>Small buckets (a few records each), so that the small test builds span several.</summary>
    public const int BucketBytes = 256;

    /// <summary>The key prefix of this harness's stores.</summary>
    public string Prefix { get; } = RedisServerFixture.NewKeyPrefix();

    /// <summary>The clock of this harness's stores.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The shared connection to the test redis-server.</summary>
    public IConnectionMultiplexer Redis => fixture.Redis;

    /// <summary>A database of <see cref="Redis"/>.</summary>
    public IDatabase Db => fixture.Redis.GetDatabase();

    /// <summary>A store under <see cref="Prefix"/>.</summary>
    public RedisIndexStore CreateStore(int retainVersions = 3, int writeBatchSize = 3, int bucketBytes = BucketBytes)
        => new(
            fixture.Redis,
            new RedisIndexOptions { KeyPrefix = Prefix, RetainVersions = retainVersions, WriteBatchSize = writeBatchSize, CatalogChunkSize = 16, BucketBytes = bucketBytes },
            Time);

    /// <summary>Starts publishing <paramref name="build"/> and cancels it once 8 records are written.</summary>
    public static async Task PublishCancelledAfterEightWritesAsync(RedisIndexStore store, IndexBuild build)
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

    /// <summary>The keys under <see cref="Prefix"/> that match <paramref name="pattern"/> (a SCAN pattern after the prefix).</summary>
    public List<string> Keys(string pattern)
    {
        var server = fixture.Redis.GetServer(fixture.Redis.GetEndPoints()[0]);
        return [.. server.Keys(pattern: Prefix + pattern, pageSize: 1000).Select(k => k.ToString())];
    }

    /// <summary>How many keys <see cref="Keys"/> lists.</summary>
    public int CountKeys(string pattern) => Keys(pattern).Count;
}
