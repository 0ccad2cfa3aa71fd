using Microsoft.Extensions.Time.Testing;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>Ranking models published on their own, against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisModelStoreTests(RedisServerFixture redis)
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = RedisServerFixture.NewKeyPrefix();

    private static QueryRec.Storage.V1.RankingModelPackage Package(int n)
        => RankingModelPackages.Create("model-" + n, "features-v1", [.. Enumerable.Range(0, 100 + n).Select(i => (byte)(i * n))], $$"""{"model_version": "model-{{n}}"}""");

    [Fact]
    public async Task Publish_Rollback_Clear_MoveThePointer_AndStatusFollows()
    {
        var store = new RedisModelStore(redis.Redis, _prefix, _time);
        Assert.Null(await store.GetActiveModelIdAsync());

        var first = await store.PublishAsync(Package(1), retain: 3);
        _time.Advance(TimeSpan.FromMinutes(1));
        var second = await store.PublishAsync(Package(2), retain: 3);

        Assert.Null(first.PreviousId);
        Assert.Equal(first.Id, second.PreviousId);
        Assert.Equal(second.Id, await store.GetActiveModelIdAsync());
        Assert.Equal(Package(2), await store.GetModelAsync(second.Id));
        var status = await store.GetStatusAsync();
        Assert.Equal(["model-2", "model-1"], status.Models.Select(m => m.ModelVersion));
        Assert.Equal([true, false], status.Models.Select(m => m.IsActive));
        Assert.Equal(_time.GetUtcNow(), status.Models[0].PublishedAt);

        Assert.Equal(first.Id, await store.RollbackAsync());
        Assert.Equal(first.Id, await store.GetActiveModelIdAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RollbackAsync());

        Assert.Equal(first.Id, await store.ClearAsync());
        Assert.Null(await store.GetActiveModelIdAsync());
        Assert.Null(await store.ClearAsync());
        Assert.Equal(second.Id, await store.RollbackAsync(second.Id));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RollbackAsync("0000000000000000"));
    }

    [Fact]
    public async Task Publish_BeyondRetention_DeletesTheOldestPackages_NeverTheActiveOne()
    {
        var store = new RedisModelStore(redis.Redis, _prefix, _time);
        var ids = new List<string>();
        for (var n = 1; n <= 4; n++)
        {
            ids.Add((await store.PublishAsync(Package(n), retain: 2)).Id);
        }

        var status = await store.GetStatusAsync();
        Assert.Equal([ids[3], ids[2]], status.Models.Select(m => m.Id));
        Assert.Null(await store.GetModelAsync(ids[0]));
        Assert.Null(await store.GetModelAsync(ids[1]));
        Assert.NotNull(await store.GetModelAsync(ids[2]));

        // Re-publishing the same model re-activates the same id.
        var again = await store.PublishAsync(Package(3), retain: 2);
        Assert.Equal(ids[2], again.Id);
        Assert.Equal(ids[2], await store.GetActiveModelIdAsync());
    }

    [Fact]
    public async Task GetModel_CorruptedPackage_IsInvalidData()
    {
        var store = new RedisModelStore(redis.Redis, _prefix, _time);
        var id = (await store.PublishAsync(Package(1), retain: 3)).Id;
        var tampered = Package(1);
        tampered.Onnx = Google.Protobuf.ByteString.CopyFrom([9, 9, 9]);
        await redis.Redis.GetDatabase().StringSetAsync(_prefix + "model:" + id, Google.Protobuf.MessageExtensions.ToByteArray(tampered));

        await Assert.ThrowsAsync<InvalidDataException>(() => store.GetModelAsync(id));
    }
}
