using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Storage.Realtime;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Cluster;

/// <summary>
/// Every operation of the real-time store on a real three-master Redis Cluster, with enough subjects, event ids and
/// queries that the keys of one call land in many slots: dedupe (mark, forget), apply (recent queries, viewed items,
/// exposures, the trending script and HyperLogLogs) and every read, including the multi-key PFCOUNT over a query's
/// buckets across the trending window.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRealtimeStoreTests(RedisClusterFixture cluster) : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Noon);
    private readonly string _prefix = RedisServerFixture.NewKeyPrefix();

    public Task InitializeAsync() => cluster.FlushAllAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private RedisRealtimeStore CreateStore() => new(cluster.Redis, _prefix, new RealtimeOptions
    {
        TrendingBucket = TimeSpan.FromMinutes(5),
        TrendingWindow = TimeSpan.FromHours(1),
    }, _time);

    [Fact]
    public async Task Dedupe_MarkForgetMark_OverManySlots()
    {
        var store = CreateStore();
        var ids = Enumerable.Range(0, 300).Select(i => "evt-" + i.ToString(CultureInfo.InvariantCulture)).ToList();

        Assert.All(await store.MarkEventsSeenAsync(ids), Assert.True);
        Assert.All(await store.MarkEventsSeenAsync(ids), Assert.False);
        await store.ForgetEventsAsync(ids[..100]);
        var again = await store.MarkEventsSeenAsync(ids);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => i < 100), again);
        Assert.All(await cluster.KeysPerMasterAsync(), count => Assert.True(count > 0));
    }

    [Fact]
    public async Task ApplyAndRead_EveryKind_OverManySubjectsAndBuckets()
    {
        var store = CreateStore();
        var subjects = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? "u:user-" : "d:dev-") + i.ToString(CultureInfo.InvariantCulture)).ToList();
        var updates = new List<RealtimeUpdate>();

        // Three buckets of the window; subject i submits "query j" for j <= i % 5, so "query 0" has 40 submitters.
        foreach (var minutesAgo in new[] { 2, 17, 41 })
        {
            var at = Noon.AddMinutes(-minutesAgo);
            for (var i = 0; i < subjects.Count; i++)
            {
                for (var j = 0; j <= i % 5; j++)
                {
                    var query = "query " + j.ToString(CultureInfo.InvariantCulture);
                    updates.Add(new(RealtimeUpdateKind.RecentQuery, subjects[i], query, at));
                    updates.Add(new(RealtimeUpdateKind.Trending, subjects[i], query, at));
                }

                updates.Add(new(RealtimeUpdateKind.ViewedItem, subjects[i], "sku-" + (i + minutesAgo).ToString(CultureInfo.InvariantCulture), at));
                updates.Add(new(RealtimeUpdateKind.Exposure, subjects[i], "shade-a", at));
                updates.Add(new(RealtimeUpdateKind.Exposure, subjects[i], "shade-" + i.ToString(CultureInfo.InvariantCulture), at));
            }
        }

        await store.ApplyAsync(updates);

        for (var i = 0; i < subjects.Count; i++)
        {
            var recent = await store.GetRecentQueriesAsync(subjects[i], 10);
            Assert.Equal(Enumerable.Range(0, (i % 5) + 1).Select(j => "query " + j.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), recent.Select(r => r.Value).Order(StringComparer.Ordinal));
            Assert.All(recent, r => Assert.Equal(Noon.AddMinutes(-2), r.Time));

            var viewed = await store.GetViewedItemsAsync(subjects[i], 10);
            Assert.Equal(new[] { 2, 17, 41 }.Select(m => "sku-" + (i + m).ToString(CultureInfo.InvariantCulture)), viewed.Select(v => v.Value));

            var shade = "shade-" + i.ToString(CultureInfo.InvariantCulture);
            var exposures = await store.GetExposuresAsync(subjects[i], DateOnly.FromDateTime(Noon.UtcDateTime), ["shade-a", shade, "never-shown"]);
            Assert.Equal(3, exposures["shade-a"]);
            Assert.Equal(3, exposures[shade]);
            Assert.Equal(0, exposures["never-shown"]);
        }

        // Counts and distinct submitters, per query, summed over the three buckets (one PFCOUNT over three keys).
        var trending = await store.GetTrendingAsync(Noon, 10);
        var expected = Enumerable.Range(0, 5).Select(j => (
            Query: "query " + j.ToString(CultureInfo.InvariantCulture),
            Count: 3L * subjects.Count(s => subjects.IndexOf(s) % 5 >= j),
            Distinct: (long)subjects.Count(s => subjects.IndexOf(s) % 5 >= j)));
        Assert.Equal(expected, trending.Select(t => (t.Query, t.Count, t.DistinctSubjects)));
        Assert.All(await cluster.KeysPerMasterAsync(), count => Assert.True(count > 0));
    }
}
