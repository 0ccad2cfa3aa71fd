using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using QueryRec.IntegrationTests.Storage;
using QueryRec.Storage.Realtime;
using QueryRec.TestSupport;
using StackExchange.Redis;

namespace QueryRec.IntegrationTests.Realtime;

/// <summary>Redis-only behaviour of the real-time store: the documented key layout, expiries and Cluster slots.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRealtimeStoreTests(RedisServerFixture redis)
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _prefix = RedisServerFixture.NewKeyPrefix();
    private readonly FakeTimeProvider _time = new(Noon);

    private IDatabase Db => redis.Redis.GetDatabase();

    private RedisRealtimeStore CreateStore() => new(redis.Redis, _prefix, new RealtimeOptions
    {
        DedupeWindow = TimeSpan.FromHours(24),
        HistoryTtl = TimeSpan.FromDays(30),
        TrendingBucket = TimeSpan.FromMinutes(5),
        TrendingWindow = TimeSpan.FromHours(1),
    }, _time);

    [Fact]
    public async Task MarkEventsSeenAsync_NewId_WritesDedupeKeyExpiringAfterTheWindow()
    {
        var sut = CreateStore();

        await sut.MarkEventsSeenAsync(["evt-1"]);

        var ttl = await Db.KeyTimeToLiveAsync(_prefix + "rt:ev:evt-1");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
    }

    [Fact]
    public async Task ApplyAsync_EveryKind_WritesOnlyUnderTheRealtimeNamespaceWithExpiries()
    {
        var sut = CreateStore();
        var at = Noon.AddMinutes(-2);

        await sut.ApplyAsync(
        [
            new(RealtimeUpdateKind.RecentQuery, "u:alice", "iphone 15", at),
            new(RealtimeUpdateKind.ViewedItem, "u:alice", "sku-9", at),
            new(RealtimeUpdateKind.Exposure, "d:dev-1", "tv", at),
            new(RealtimeUpdateKind.Trending, "u:alice", "iphone 15", at),
            new(RealtimeUpdateKind.PushSent, "u:alice", "tv stand", at),
            new(RealtimeUpdateKind.OrderedItem, "u:alice", "sku-9", at),
        ]);

        var tag = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes("iphone 15")).ToString("x16", CultureInfo.InvariantCulture);
        var bucket = new DateTimeOffset(2026, 3, 1, 11, 55, 0, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        string[] expected =
        [
            _prefix + "rt:exp:d:dev-1:20260301",
            _prefix + "rt:ob:u:alice",
            _prefix + "rt:ps:u:alice",
            _prefix + "rt:rq:u:alice",
            _prefix + "rt:tr:" + bucket,
            _prefix + "rt:tu:{" + tag + "}:" + bucket,
            _prefix + "rt:vi:u:alice",
        ];
        var server = redis.Redis.GetServer(redis.Redis.GetEndPoints()[0]);
        var keys = server.Keys(pattern: _prefix + "*").Select(k => (string)k!).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, keys);
        foreach (var key in keys)
        {
            Assert.NotNull(await Db.KeyTimeToLiveAsync(key));
        }
    }

    [Fact]
    public async Task ApplyAsync_TrendingBuckets_KeysExpireAfterWindowPlusBucketAtMost()
    {
        var sut = CreateStore();

        await sut.ApplyAsync([new(RealtimeUpdateKind.Trending, "u:a", "q", Noon)]);

        var ttl = await Db.KeyTimeToLiveAsync(_prefix + "rt:tr:" + Noon.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(1), TimeSpan.FromHours(1) + TimeSpan.FromMinutes(10));
    }

    [Fact]
    public async Task ApplyAsync_OneQueryInManyBuckets_SubmitterKeysShareOneClusterSlot()
    {
        var sut = CreateStore();
        var updates = Enumerable.Range(0, 12)
            .Select(i => new RealtimeUpdate(RealtimeUpdateKind.Trending, "u:" + i, "lego", Noon.AddMinutes(-5 * i)))
            .ToList();

        await sut.ApplyAsync(updates);

        var server = redis.Redis.GetServer(redis.Redis.GetEndPoints()[0]);
        var submitters = server.Keys(pattern: _prefix + "rt:tu:*").Select(k => (string)k!).ToList();
        var buckets = server.Keys(pattern: _prefix + "rt:tr:*").Select(k => (string)k!).ToList();
        Assert.Equal(12, submitters.Count);
        Assert.Single(submitters.Select(ClusterSlot.Of).Distinct());
        Assert.True(buckets.Select(ClusterSlot.Of).Distinct().Count() > 1);
    }
}
