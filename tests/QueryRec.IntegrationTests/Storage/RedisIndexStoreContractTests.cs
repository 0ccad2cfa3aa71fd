using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>The contract against a real redis-server, with small batches so every path pipelines several rounds.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisIndexStoreContractTests(RedisServerFixture redis) : IndexStoreContractTests
{
    protected override StoreUnderTest CreateStore(int retainVersions = 3)
    {
        var options = new RedisIndexOptions
        {
            KeyPrefix = RedisServerFixture.NewKeyPrefix(),
            RetainVersions = retainVersions,
            WriteBatchSize = 3,
            CatalogChunkSize = 16,
        };
        var store = new RedisIndexStore(redis.Redis, options, Time);
        return new StoreUnderTest(store, store);
    }
}
