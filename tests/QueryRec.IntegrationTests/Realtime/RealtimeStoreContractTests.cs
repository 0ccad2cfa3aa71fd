using Microsoft.Extensions.Time.Testing;
using QueryRec.IntegrationTests.Storage;
using QueryRec.Storage.Realtime;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Realtime;

/// <summary>
/// The contract every real-time store keeps (issue 4, point 1). Runs against the embedded store and a real Redis.
/// The clock starts at 12:00 UTC, a bucket boundary; with 5-minute buckets and a 1-hour window the window at 12:00
/// is the twelve buckets starting 11:05 … 12:00.
/// </summary>
public abstract partial class RealtimeStoreContractTests
{
    protected static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Time { get; } = new(Noon);

    protected abstract IRealtimeStore CreateStore(RealtimeOptions? options = null);

    protected static RealtimeOptions Options(int recentCap = 50, int viewedCap = 50, int queriesPerBucket = 10_000) => new()
    {
        RecentQueriesCap = recentCap,
        ViewedItemsCap = viewedCap,
        TrendingBucket = TimeSpan.FromMinutes(5),
        TrendingWindow = TimeSpan.FromHours(1),
        TrendingQueriesPerBucket = queriesPerBucket,
        DedupeWindow = TimeSpan.FromHours(24),
        HistoryTtl = TimeSpan.FromDays(30),
    };

    protected static DateTimeOffset At(int hour, int minute, int second = 0) => new(2026, 3, 1, hour, minute, second, TimeSpan.Zero);

    protected static RealtimeUpdate Query(string subject, string query, DateTimeOffset time) => new(RealtimeUpdateKind.RecentQuery, subject, query, time);

    protected static RealtimeUpdate Viewed(string subject, string item, DateTimeOffset time) => new(RealtimeUpdateKind.ViewedItem, subject, item, time);

    protected static RealtimeUpdate Exposure(string subject, string word, DateTimeOffset time) => new(RealtimeUpdateKind.Exposure, subject, word, time);

    protected static RealtimeUpdate Trend(string subject, string query, DateTimeOffset time) => new(RealtimeUpdateKind.Trending, subject, query, time);

    [Fact]
    public async Task MarkEventsSeenAsync_NewIds_AreAllNew()
    {
        var sut = CreateStore();

        var seen = await sut.MarkEventsSeenAsync(["e1", "e2", "e3"]);

        Assert.Equal([true, true, true], seen);
    }

    [Fact]
    public async Task MarkEventsSeenAsync_IdMarkedInEarlierCall_IsSeen()
    {
        var sut = CreateStore();
        await sut.MarkEventsSeenAsync(["e1", "e2"]);

        var seen = await sut.MarkEventsSeenAsync(["e2", "e3"]);

        Assert.Equal([false, true], seen);
    }

    [Fact]
    public async Task MarkEventsSeenAsync_SameIdTwiceInOneCall_SecondIsSeen()
    {
        var sut = CreateStore();

        var seen = await sut.MarkEventsSeenAsync(["e1", "e1"]);

        Assert.Equal([true, false], seen);
    }

    [Fact]
    public async Task ForgetEventsAsync_MarkedId_IsNewAgain()
    {
        var sut = CreateStore();
        await sut.MarkEventsSeenAsync(["e1", "e2"]);

        await sut.ForgetEventsAsync(["e1"]);
        var seen = await sut.MarkEventsSeenAsync(["e1", "e2"]);

        Assert.Equal([true, false], seen);
    }

    [Fact]
    public async Task GetRecentQueriesAsync_RepeatedQuery_IsListedOnceAtItsLatestTime()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Query("u:1", "iphone 15", At(11, 0)), Query("u:1", "case", At(11, 1))]);
        await sut.ApplyAsync([Query("u:1", "iphone 15", At(11, 2))]);

        var recent = await sut.GetRecentQueriesAsync("u:1", 10);

        Assert.Equal([new RecentEntry("iphone 15", At(11, 2)), new RecentEntry("case", At(11, 1))], recent);
    }

    [Fact]
    public async Task GetRecentQueriesAsync_SameQueryTwiceInOneBatch_KeepsTheLaterTime()
    {
        var sut = CreateStore();

        await sut.ApplyAsync([Query("u:1", "tv", At(11, 5)), Query("u:1", "tv", At(11, 3))]);
        var recent = await sut.GetRecentQueriesAsync("u:1", 10);

        Assert.Equal([new RecentEntry("tv", At(11, 5))], recent);
    }

    [Fact]
    public async Task GetRecentQueriesAsync_MoreThanCap_KeepsTheNewestNewestFirst()
    {
        var sut = CreateStore(Options(recentCap: 3));
        await sut.ApplyAsync([Query("u:1", "a", At(11, 1)), Query("u:1", "b", At(11, 2)), Query("u:1", "c", At(11, 3))]);
        await sut.ApplyAsync([Query("u:1", "d", At(11, 4)), Query("u:1", "e", At(11, 5))]);

        var recent = await sut.GetRecentQueriesAsync("u:1", 10);

        Assert.Equal(["e", "d", "c"], recent.Select(r => r.Value));
    }

    [Fact]
    public async Task GetRecentQueriesAsync_Max_LimitsTheAnswer()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Query("u:1", "a", At(11, 1)), Query("u:1", "b", At(11, 2)), Query("u:1", "c", At(11, 3))]);

        var recent = await sut.GetRecentQueriesAsync("u:1", 2);

        Assert.Equal(["c", "b"], recent.Select(r => r.Value));
    }

    [Fact]
    public async Task GetRecentQueriesAsync_OtherSubjectOrUnknown_IsSeparateOrEmpty()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Query("u:1", "a", At(11, 1)), Query("d:1", "b", At(11, 2))]);

        Assert.Equal(["b"], (await sut.GetRecentQueriesAsync("d:1", 10)).Select(r => r.Value));
        Assert.Empty(await sut.GetRecentQueriesAsync("u:nobody", 10));
    }

    [Fact]
    public async Task GetViewedItemsAsync_ViewedItems_DistinctNewestFirstAndApartFromQueries()
    {
        var sut = CreateStore(Options(viewedCap: 2));
        await sut.ApplyAsync([Viewed("u:1", "sku-1", At(11, 1)), Viewed("u:1", "sku-2", At(11, 2)), Query("u:1", "tv", At(11, 3))]);
        await sut.ApplyAsync([Viewed("u:1", "sku-3", At(11, 4)), Viewed("u:1", "sku-2", At(11, 5))]);

        var viewed = await sut.GetViewedItemsAsync("u:1", 10);

        Assert.Equal([new RecentEntry("sku-2", At(11, 5)), new RecentEntry("sku-3", At(11, 4))], viewed);
        Assert.Equal(["tv"], (await sut.GetRecentQueriesAsync("u:1", 10)).Select(r => r.Value));
    }

    [Fact]
    public async Task GetExposuresAsync_SameDay_CountsEachExposure()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Exposure("u:1", "tv", At(9, 0)), Exposure("u:1", "tv", At(10, 0)), Exposure("u:1", "phone", At(11, 0))]);
        await sut.ApplyAsync([Exposure("u:1", "tv", At(11, 30)), Exposure("u:2", "tv", At(11, 30))]);

        var exposures = await sut.GetExposuresAsync("u:1", new DateOnly(2026, 3, 1), ["tv", "phone", "never"]);

        Assert.Equal(3, exposures["tv"]);
        Assert.Equal(1, exposures["phone"]);
        Assert.Equal(0, exposures["never"]);
    }

    [Fact]
    public async Task GetExposuresAsync_NextDay_IsZero()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Exposure("u:1", "tv", At(11, 0))]);
        Time.Advance(TimeSpan.FromHours(13));

        var exposures = await sut.GetExposuresAsync("u:1", new DateOnly(2026, 3, 2), ["tv"]);

        Assert.Equal(0, exposures["tv"]);
        Assert.Equal(1, (await sut.GetExposuresAsync("u:1", new DateOnly(2026, 3, 1), ["tv"]))["tv"]);
    }

    [Fact]
    public async Task GetTrendingAsync_SubmissionsInSeveralBuckets_AreSummedOverTheWindow()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Trend("u:a", "switch 2", At(11, 10)), Trend("u:b", "switch 2", At(11, 50)), Trend("u:a", "switch 2", At(12, 0))]);
        await sut.ApplyAsync([Trend("u:c", "lego", At(11, 30))]);

        var trending = await sut.GetTrendingAsync(Noon, 10);

        Assert.Equal([new TrendingCount("switch 2", 3, 2), new TrendingCount("lego", 1, 1)], trending);
    }

    [Fact]
    public async Task GetTrendingAsync_WindowMovesOn_DropsBucketsOlderThanTheWindow()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Trend("u:a", "switch 2", At(11, 10)), Trend("u:b", "switch 2", At(11, 50)), Trend("u:a", "switch 2", At(12, 0))]);
        Time.Advance(TimeSpan.FromMinutes(10));

        // At 12:10 the window starts at 11:15: the 11:10 submission is out.
        var trending = await sut.GetTrendingAsync(Time.GetUtcNow(), 10);

        Assert.Equal([new TrendingCount("switch 2", 2, 2)], trending);
    }

    [Fact]
    public async Task GetTrendingAsync_WholeWindowLater_IsEmpty()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Trend("u:a", "switch 2", At(11, 59))]);
        Time.Advance(TimeSpan.FromHours(1));

        var trending = await sut.GetTrendingAsync(Time.GetUtcNow(), 10);

        Assert.Empty(trending);
    }

    [Fact]
    public async Task ApplyAsync_SubmissionOlderThanTheWindow_IsNotCounted()
    {
        var sut = CreateStore();

        await sut.ApplyAsync([Trend("u:a", "old news", At(10, 30)), Trend("u:a", "fresh", At(11, 5))]);
        var trending = await sut.GetTrendingAsync(Noon, 10);

        Assert.Equal([new TrendingCount("fresh", 1, 1)], trending);
    }

    [Fact]
    public async Task GetTrendingAsync_OneSubjectManyTimes_IsOneDistinctSubject()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Trend("d:x", "q", At(11, 20)), Trend("d:x", "q", At(11, 21))]);
        await sut.ApplyAsync([Trend("d:x", "q", At(11, 40)), Trend("u:y", "q", At(11, 41))]);

        var trending = await sut.GetTrendingAsync(Noon, 10);

        Assert.Equal([new TrendingCount("q", 4, 2)], trending);
    }

    [Fact]
    public async Task GetTrendingAsync_Max_ReturnsTheMostSubmittedFirst()
    {
        var sut = CreateStore();
        List<RealtimeUpdate> updates = [];
        for (var i = 0; i < 5; i++)
        {
            updates.Add(Trend("u:" + i, "five", At(11, 30)));
        }

        for (var i = 0; i < 3; i++)
        {
            updates.Add(Trend("u:" + i, "three", At(11, 30)));
        }

        updates.Add(Trend("u:1", "one", At(11, 30)));
        await sut.ApplyAsync(updates);

        var trending = await sut.GetTrendingAsync(Noon, 2);

        Assert.Equal([new TrendingCount("five", 5, 5), new TrendingCount("three", 3, 3)], trending);
    }

    [Fact]
    public async Task ApplyAsync_MoreQueriesThanABucketKeeps_DropsTheLeastSubmitted()
    {
        var sut = CreateStore(Options(queriesPerBucket: 10));
        List<RealtimeUpdate> updates = [];
        for (var q = 1; q <= 12; q++)
        {
            for (var n = 0; n < q; n++)
            {
                updates.Add(Trend("u:" + n, "q" + q, At(11, 30)));
            }
        }

        await sut.ApplyAsync(updates);
        var trending = await sut.GetTrendingAsync(Noon, 100);

        Assert.Equal(Enumerable.Range(3, 10).Reverse().Select(q => "q" + q), trending.Select(t => t.Query));
    }
}

/// <summary>The contract against the in-process store, plus its TTLs on the fake clock.</summary>
public sealed class EmbeddedRealtimeStoreContractTests : RealtimeStoreContractTests
{
    protected override IRealtimeStore CreateStore(RealtimeOptions? options = null) => new EmbeddedRealtimeStore(options ?? Options(), Time);

    [Fact]
    public async Task MarkEventsSeenAsync_AfterTheDedupeWindow_IsNewAgain()
    {
        var sut = CreateStore();
        await sut.MarkEventsSeenAsync(["e1"]);
        Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));

        var seen = await sut.MarkEventsSeenAsync(["e1"]);

        Assert.Equal([true], seen);
    }

    [Fact]
    public async Task GetRecentQueriesAsync_HistoryTtlAfterTheLastUpdate_IsEmpty()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Query("u:1", "a", At(11, 0)), Viewed("u:1", "sku", At(11, 0))]);
        Time.Advance(TimeSpan.FromDays(29));
        Assert.Single(await sut.GetRecentQueriesAsync("u:1", 10));
        Time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(await sut.GetRecentQueriesAsync("u:1", 10));
        Assert.Empty(await sut.GetViewedItemsAsync("u:1", 10));
    }

    [Fact]
    public async Task GetExposuresAsync_TwoDaysAfterTheLastExposure_IsZero()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Exposure("u:1", "tv", Noon)]);
        Time.Advance(TimeSpan.FromDays(2));

        var exposures = await sut.GetExposuresAsync("u:1", new DateOnly(2026, 3, 1), ["tv"]);

        Assert.Equal(0, exposures["tv"]);
    }
}

/// <summary>The contract against a real redis-server (each test has its own key prefix).</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisRealtimeStoreContractTests(RedisServerFixture redis) : RealtimeStoreContractTests
{
    protected override IRealtimeStore CreateStore(RealtimeOptions? options = null)
        => new RedisRealtimeStore(redis.Redis, RedisServerFixture.NewKeyPrefix(), options ?? Options(), Time);
}
