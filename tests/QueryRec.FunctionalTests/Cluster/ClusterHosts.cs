using QueryRec.FunctionalTests.Discover;
using QueryRec.FunctionalTests.Events;
using QueryRec.FunctionalTests.Suggest;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Cluster;

/// <summary>Starts a three-master Redis Cluster, publishes an index on it under a fresh key prefix, and points a host at it.</summary>
internal static class ClusterTestIndex
{
    public static async Task PublishAndConfigureAsync(RedisClusterFixture cluster, IndexBuild? build, Dictionary<string, string?> settings)
    {
        await cluster.InitializeAsync();
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        if (build is not null)
        {
            await new RedisIndexStore(cluster.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix }).PublishAsync(build);
        }

        settings["QueryRec:Store:Redis"] = cluster.ConnectionString;
        settings["QueryRec:Store:KeyPrefix"] = keyPrefix;
    }
}

/// <summary>The Discover / GetShadingWords host with its index and real-time store on a Redis Cluster.</summary>
public sealed class ClusterBrowseHost : BrowseHost
{
    private readonly RedisClusterFixture _cluster = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => ClusterTestIndex.PublishAndConfigureAsync(_cluster, BuildIndex(), settings);
}

/// <summary>The Suggest personalization host with its index and real-time store on a Redis Cluster.</summary>
public sealed class ClusterSuggestRealtimeHost : SuggestRealtimeHost
{
    private readonly RedisClusterFixture _cluster = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => ClusterTestIndex.PublishAndConfigureAsync(_cluster, Infrastructure.TestIndexes.FromQueries("rt-v1", Counts), settings);
}

/// <summary>The ReportEvents host with its real-time store on a Redis Cluster.</summary>
public sealed class ClusterEventsHost : EventsHost
{
    private readonly RedisClusterFixture _cluster = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => ClusterTestIndex.PublishAndConfigureAsync(_cluster, build: null, settings);
}

/// <summary>The Discover suite on a Redis Cluster.</summary>
public sealed class DiscoverClusterTests(ClusterBrowseHost host)
    : DiscoverTests<ClusterBrowseHost>(host), IClassFixture<ClusterBrowseHost>;

/// <summary>The GetShadingWords suite (exposure cap included) on a Redis Cluster.</summary>
public sealed class ShadingWordsClusterTests(ClusterBrowseHost host)
    : ShadingWordsTests<ClusterBrowseHost>(host), IClassFixture<ClusterBrowseHost>;

/// <summary>The Suggest personalization suite (history from ReportEvents) on a Redis Cluster.</summary>
public sealed class SuggestPersonalizationClusterTests(ClusterSuggestRealtimeHost host)
    : SuggestPersonalizationTests<ClusterSuggestRealtimeHost>(host), IClassFixture<ClusterSuggestRealtimeHost>;

/// <summary>The Suggest freshness suite (real-time trending, one host per test) on a Redis Cluster.</summary>
public sealed class SuggestFreshnessClusterTests : SuggestFreshnessTests<ClusterSuggestRealtimeHost>;

/// <summary>The ReportEvents suite (dedupe, trending counts and distinct users) on a Redis Cluster.</summary>
public sealed class ReportEventsClusterTests(ClusterEventsHost host) : ReportEventsTests(host), IClassFixture<ClusterEventsHost>
{
    [Fact]
    public void Host_WithCluster_UsesTheRedisRealtimeStore() => Assert.Equal("redis", host.Store.Name);
}
