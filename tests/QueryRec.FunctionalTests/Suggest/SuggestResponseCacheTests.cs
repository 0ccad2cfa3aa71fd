using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Telemetry;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// The Suggest response cache through the real host and channel: a repeated call without personal signal is a hit with
/// the same answer, also for a device without history; a caller with history is never answered from it; an index flip
/// misses and serves the new version.
/// Each test uses its own prefix or caller, so the shared host's cache does not carry one test's entry into another.
/// </summary>
public sealed class SuggestResponseCacheTests(EmbeddedSuggestRealtimeHost host) : IClassFixture<EmbeddedSuggestRealtimeHost>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Suggest_RepeatedAnonymousCall_IsAHitWithTheSameAnswerAndANewRequestId()
    {
        using var hits = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheHitsName);
        using var misses = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheMissesName);
        var request = new SuggestRequest { Prefix = "gear", Limit = 3 };

        var first = await host.Client.SuggestAsync(request);
        var second = await host.Client.SuggestAsync(request);

        Assert.Equal(1, misses.Count);
        Assert.Equal(1, hits.Count);
        Assert.NotEmpty(first.Items);
        Assert.Equal(first.Items, second.Items);
        Assert.NotEqual(first.Metadata.RequestId, second.Metadata.RequestId);
        second.Metadata.RequestId = first.Metadata.RequestId;
        Assert.Equal(first.Metadata, second.Metadata);
    }

    [Fact]
    public async Task Suggest_SamePrefixWithAnotherLimit_IsNotTheCachedAnswer()
    {
        using var hits = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheHitsName);

        var three = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ge", Limit = 3 });
        var two = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "ge", Limit = 2 });

        Assert.Equal(0, hits.Count);
        Assert.Equal(3, three.Items.Count);
        Assert.Equal(2, two.Items.Count);
    }

    [Fact]
    public async Task Suggest_UserWithHistory_IsNeverAnsweredFromTheCache()
    {
        using var hits = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheHitsName);
        var user = _run + "-history";
        await host.SearchAsync("gears of war 2", userId: user);

        var first = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });
        var second = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });

        Assert.Equal(0, hits.Count);
        Assert.Equal("gears of war 2", first.Items[0].Text);
        Assert.Equal(Reason.SearchedBefore, second.Items[0].Reason);
    }

    [Fact]
    public async Task Suggest_DeviceWithoutHistory_IsCachedByDefault()
    {
        // IncludeSubjectsWithoutHistory is on by default (storefront calls all carry a device id).
        using var hits = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheHitsName);
        var device = _run + "-device";

        var first = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "halo", DeviceId = device });
        var second = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "halo", DeviceId = device });

        Assert.Equal(1, hits.Count);
        Assert.Equal(first.Items, second.Items);
    }
}

/// <summary>An index flip: the next call misses and is answered from the new version.</summary>
public sealed class SuggestResponseCacheFlipTests
{
    [Fact]
    public async Task Suggest_AfterIndexFlip_MissesAndServesTheNewVersion()
    {
        var path = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("cache-v1", new Dictionary<string, long> { ["gears of war"] = 10, ["gear head"] = 5 }));
        using var factory = QueryRecFactory.Embedded(path, pollInterval: TimeSpan.FromMilliseconds(100));
        var client = factory.CreateClient(factory.CreateChannel());
        using var hits = new HostCounter(factory, QueryRecInstrumentation.ResponseCacheHitsName);
        using var misses = new HostCounter(factory, QueryRecInstrumentation.ResponseCacheMissesName);
        await Polling.ForIndexAsync(client, "cache-v1", TimeSpan.FromSeconds(30));
        var request = new SuggestRequest { Prefix = "gea" };
        var before = await client.SuggestAsync(request);
        _ = await client.SuggestAsync(request);
        Assert.Equal(1, hits.Count);
        Assert.Equal("gears of war", before.Items[0].Text);

        QueryRecFactory.WriteTempIndex(
            TestIndexes.FromQueries("cache-v2", new Dictionary<string, long> { ["gears of war"] = 10, ["gear head"] = 50 }), Path.GetDirectoryName(path));
        await Polling.ForIndexAsync(client, "cache-v2", TimeSpan.FromSeconds(30));
        // The polls of "zz" above may have been hits themselves (a repeated call while v1 still served).
        var (hitsBefore, missesBefore) = (hits.Count, misses.Count);
        var after = await client.SuggestAsync(request);

        Assert.Equal(hitsBefore, hits.Count);
        Assert.Equal(missesBefore + 1, misses.Count);
        Assert.Equal("cache-v2", after.Metadata.IndexVersion);
        Assert.Equal("gear head", after.Items[0].Text);
    }
}
