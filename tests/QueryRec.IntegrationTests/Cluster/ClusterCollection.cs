using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Cluster;

/// <summary>The test classes sharing one three-master Redis Cluster; each test flushes every master first.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}
