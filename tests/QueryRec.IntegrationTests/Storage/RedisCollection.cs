using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>The test classes sharing one redis-server (each test uses its own key prefix).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis-server";
}
