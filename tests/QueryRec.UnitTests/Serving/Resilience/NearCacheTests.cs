using QueryRec.Serving.Resilience;
using QueryRec.Serving.Telemetry;

namespace QueryRec.UnitTests.Serving.Resilience;

public sealed class NearCacheTests
{
    [Fact]
    public async Task Read_AfterMiss_IsAHitThatDoesNotReachTheStore()
    {
        using var host = new ResilienceTestHost();
        var snapshot = host.Store.OpenSnapshot("v1");

        var first = await snapshot.GetPrefixNodeAsync("ge");
        var second = await snapshot.GetPrefixNodeAsync("ge");

        Assert.Equal(1, host.Inner.Reads);
        Assert.Equal(FakeIndexStore.TextOf("v1", "ge"), second!.Completions[0].Text);
        Assert.Same(first, second);
        Assert.Equal(1, host.Count(QueryRecInstrumentation.NearCacheMissesName));
        Assert.Equal(1, host.Count(QueryRecInstrumentation.NearCacheHitsName));
    }

    [Fact]
    public async Task Read_AfterVersionFlip_MissesAndServesTheNewVersion()
    {
        using var host = new ResilienceTestHost();
        _ = await host.Store.OpenSnapshot("v1").GetPrefixNodeAsync("ge");

        var flipped = await host.Store.OpenSnapshot("v2").GetPrefixNodeAsync("ge");

        Assert.Equal(2, host.Inner.Reads);
        Assert.Equal(FakeIndexStore.TextOf("v2", "ge"), flipped!.Completions[0].Text);
        Assert.Equal(2, host.Count(QueryRecInstrumentation.NearCacheMissesName));
        Assert.Equal(0, host.Count(QueryRecInstrumentation.NearCacheHitsName));
    }

    [Fact]
    public async Task Insert_MoreThanCapacity_CountStaysWithinBound()
    {
        var options = new ResilienceOptions();
        options.NearCache.MaxEntries = 16;
        using var host = new ResilienceTestHost(options);
        var snapshot = host.Store.OpenSnapshot("v1");

        for (var i = 0; i < 500; i++)
        {
            _ = await snapshot.GetPrefixNodeAsync("q" + i);
            Assert.InRange(host.Cache.Count, 1, 16);
        }

        // The first keys were evicted: reading one again reaches the store.
        var before = host.Inner.Reads;
        _ = await snapshot.GetPrefixNodeAsync("q0");
        Assert.Equal(before + 1, host.Inner.Reads);
    }

    [Fact]
    public async Task Read_OfAbsentRecord_IsCachedAsAbsent()
    {
        using var host = new ResilienceTestHost();
        host.Inner.Absent.Add("zz");
        var snapshot = host.Store.OpenSnapshot("v1");

        Assert.Null(await snapshot.GetPrefixNodeAsync("zz"));
        Assert.Null(await snapshot.GetPrefixNodeAsync("zz"));

        Assert.Equal(1, host.Inner.Reads);
    }

    [Fact]
    public async Task Read_OfValueLargerThanMaxEntryBytes_IsNotCached()
    {
        var options = new ResilienceOptions();
        options.NearCache.MaxEntryBytes = 256;
        using var host = new ResilienceTestHost(options);
        host.Inner.Padding = 1000;
        var snapshot = host.Store.OpenSnapshot("v1");

        _ = await snapshot.GetPrefixNodeAsync("ge");
        _ = await snapshot.GetPrefixNodeAsync("ge");

        Assert.Equal(2, host.Inner.Reads);
        Assert.Equal(0, host.Cache.Count);
    }

    [Fact]
    public async Task ReadMany_ServesHitsFromCacheAndReadsOnlyTheMisses()
    {
        using var host = new ResilienceTestHost();
        var snapshot = host.Store.OpenSnapshot("v1");
        _ = await snapshot.GetCompletionNodesAsync(QueryRec.Storage.CompletionTable.PinyinFull, ["a", "b"]);
        var before = host.Inner.Reads;

        var nodes = await snapshot.GetCompletionNodesAsync(QueryRec.Storage.CompletionTable.PinyinFull, ["a", "b", "c"]);

        Assert.Equal(before + 1, host.Inner.Reads);
        Assert.Equal(["a", "b", "c"], nodes.Select(n => n!.Completions[0].Text.Split(' ')[0]));
    }
}
