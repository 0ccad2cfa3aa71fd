using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Index;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;
using QueryRec.Storage.Realtime;
using StackExchange.Redis;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// The response cache for callers with a device or user id (the storefront's case), through the real host and channel
/// on a real redis-server: a subject read once as having no history is answered from the cache without a store read;
/// ReportEvents on the same instance makes its next call personalized; a subject with history, or whose history read
/// failed, is never answered from it; what another instance wrote shows after the presence TTL.
/// Each test uses its own device or user ids (the fixture's host and cache are shared by the class).
/// </summary>
public sealed class SuggestHistoryPresenceTests(RedisSuggestRealtimeHost host) : IClassFixture<RedisSuggestRealtimeHost>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Suggest_DeviceWithoutHistory_IsAHitOnItsSecondCall()
    {
        using var hits = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheHitsName);
        var device = _run + "-empty";

        var first = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gear", DeviceId = device, Limit = 4 });
        var second = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gear", DeviceId = device, Limit = 4 });

        Assert.Equal(1, hits.Count);
        Assert.Equal(SubjectHistory.None, Cache.HistoryOf("d:" + device));
        Assert.False(first.Metadata.Degraded);
        Assert.Equal(first.Items, second.Items);
    }

    [Fact]
    public async Task Suggest_AfterReportEventsForTheDevice_IsPersonalizedAtOnce()
    {
        var device = _run + "-reports";
        var anonymous = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", DeviceId = device });
        Assert.Equal("gears of war 3", anonymous.Items[0].Text);
        Assert.Equal(SubjectHistory.None, Cache.HistoryOf("d:" + device));

        await host.SearchAsync("gears of war 2", deviceId: device);
        var after = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", DeviceId = device });

        Assert.Equal("gears of war 2", after.Items[0].Text);
        Assert.Equal(Reason.SearchedBefore, after.Items[0].Reason);
    }

    [Fact]
    public async Task Suggest_DeviceWithHistory_IsNeverAHit()
    {
        using var hits = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheHitsName);
        var device = _run + "-history";
        await host.SearchAsync("gears of war 2", deviceId: device);

        for (var i = 0; i < 3; i++)
        {
            var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", DeviceId = device });
            Assert.Equal(Reason.SearchedBefore, response.Items[0].Reason);
        }

        Assert.Equal(0, hits.Count);
        Assert.Equal(SubjectHistory.Some, Cache.HistoryOf("d:" + device));
    }

    [Fact]
    public async Task Suggest_HistoryReadFailed_IsNotRememberedAsEmpty()
    {
        using var hits = new HostCounter(host.Factory, QueryRecInstrumentation.ResponseCacheHitsName);
        var device = _run + "-broken";

        // The device's recent-queries key (a sorted set) holds a string: its read fails.
        var prefix = host.Factory.Services.GetRequiredService<IOptions<StoreOptions>>().Value.KeyPrefix;
        await host.Factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase()
            .StringSetAsync(prefix + "rt:rq:d:" + device, "not a sorted set");

        var first = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "halo", DeviceId = device });
        var second = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "halo", DeviceId = device });

        Assert.Contains("source_error:history", first.Metadata.DegradedReasons);
        Assert.Contains("source_error:history", second.Metadata.DegradedReasons);
        Assert.Equal(SubjectHistory.Unknown, Cache.HistoryOf("d:" + device));
        Assert.Equal(0, hits.Count);
    }

    [Fact]
    public async Task Suggest_HistoryWrittenElsewhere_ShowsOnceThePresenceTtlHasPassed()
    {
        var device = _run + "-elsewhere";
        var ttl = host.Factory.Services.GetRequiredService<IOptions<SuggestOptions>>().Value.ResponseCache.HistoryPresenceTtl;
        _ = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", DeviceId = device });

        // Another instance's ReportEvents: the store has the search, this instance was not told.
        var store = host.Factory.Services.GetRequiredService<IRealtimeStore>();
        await store.ApplyAsync([new RealtimeUpdate(RealtimeUpdateKind.RecentQuery, "d:" + device, "gears of war 2", host.Time.GetUtcNow().AddMinutes(-1))]);
        var within = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", DeviceId = device });
        host.Time.Advance(ttl + TimeSpan.FromSeconds(1));
        var after = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", DeviceId = device });

        Assert.Equal("gears of war 3", within.Items[0].Text);
        Assert.Equal("gears of war 2", after.Items[0].Text);
        Assert.Equal(Reason.SearchedBefore, after.Items[0].Reason);
    }

    [Fact]
    public async Task Suggest_HistoryCheckedForTheCache_IsReadOncePerCall()
    {
        var device = _run + "-once";

        // Written by another instance: this one does not know the device's history, so the call checks it.
        var store = host.Factory.Services.GetRequiredService<IRealtimeStore>();
        await store.ApplyAsync([new RealtimeUpdate(RealtimeUpdateKind.RecentQuery, "d:" + device, "gears of war 2", host.Time.GetUtcNow().AddMinutes(-1))]);
        Assert.Equal(SubjectHistory.Unknown, Cache.HistoryOf("d:" + device));
        var before = await RecentListReadsAsync();

        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", DeviceId = device });
        var reads = await RecentListReadsAsync() - before;

        // Two lists (recent queries, viewed items), each read once: the check's reads serve the personalized answer.
        Assert.Equal(Reason.SearchedBefore, response.Items[0].Reason);
        Assert.Equal(SubjectHistory.Some, Cache.HistoryOf("d:" + device));
        Assert.Equal(2, reads);
    }

    /// <summary>The recent-list reads (ZREVRANGEBYSCORE) the class's redis-server has served so far.</summary>
    private async Task<long> RecentListReadsAsync()
    {
        var redis = host.Factory.Services.GetRequiredService<IConnectionMultiplexer>();
        var info = (string)(await redis.GetDatabase().ExecuteAsync("INFO", "commandstats"))!;
        var line = info.Split('\n').FirstOrDefault(static l => l.StartsWith("cmdstat_zrevrangebyscore:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    private SuggestResponseCache Cache => host.Factory.Services.GetRequiredService<SuggestResponseCache>();
}
