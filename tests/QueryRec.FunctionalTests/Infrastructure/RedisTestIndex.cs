using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>Starts a redis-server fixture, publishes an index under a fresh key prefix, and points a host at it.</summary>
internal static class RedisTestIndex
{
    public static async Task PublishAndConfigureAsync(RedisServerFixture redis, IndexBuild build, Dictionary<string, string?> settings)
    {
        await redis.InitializeAsync();
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        var store = new RedisIndexStore(redis.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix });
        await store.PublishAsync(build);
        settings["QueryRec:Store:Redis"] = redis.ConnectionString;
        settings["QueryRec:Store:KeyPrefix"] = keyPrefix;
    }
}
