using QueryRec.Storage.Realtime;

namespace QueryRec.IntegrationTests.Realtime;

/// <summary>The search-history part of the contract (issue 23): delete, login move, per-entry expiry and erasure.</summary>
public abstract partial class RealtimeStoreContractTests
{
    private static RealtimeUpdate Seen(string subject, string eventId, DateTimeOffset time) => new(RealtimeUpdateKind.EventSeen, subject, eventId, time);

    private static async Task<List<string>> ValuesAsync(IRealtimeStore store, string subject)
        => (await store.GetRecentQueriesAsync(subject, 50)).Select(static e => e.Value).ToList();

    [Fact]
    public async Task DeleteRecentQueriesAsync_OneQuery_RemovesItAndCountsIt()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Query("u:1", "a", At(11, 0)), Query("u:1", "b", At(11, 1))]);

        var deleted = await sut.DeleteRecentQueriesAsync("u:1", ["a", "missing"]);

        Assert.Equal(1, deleted);
        Assert.Equal(["b"], await ValuesAsync(sut, "u:1"));
    }

    [Fact]
    public async Task DeleteRecentQueriesAsync_All_CountsOnlyLiveEntries()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Query("u:1", "old", Noon.AddDays(-31)), Query("u:1", "a", At(11, 0)), Query("u:1", "b", At(11, 1))]);

        var deleted = await sut.DeleteRecentQueriesAsync("u:1", null);

        Assert.Equal(2, deleted);
        Assert.Empty(await ValuesAsync(sut, "u:1"));
        Assert.Equal(0, await sut.DeleteRecentQueriesAsync("u:1", null));
    }

    [Fact]
    public async Task MoveRecentQueriesAsync_IntoAListHoldingTheSameQuery_KeepsTheNewerTimeAndTheCap()
    {
        var sut = CreateStore(Options(recentCap: 3));
        await sut.ApplyAsync([Query("d:1", "a", At(11, 0)), Query("d:1", "b", At(11, 5)), Query("d:1", "c", At(11, 1))]);
        await sut.ApplyAsync([Query("u:1", "b", At(11, 2)), Query("u:1", "d", At(11, 3))]);

        var moved = await sut.MoveRecentQueriesAsync("d:1", "u:1");

        Assert.Equal(3, moved);
        var user = await sut.GetRecentQueriesAsync("u:1", 10);
        Assert.Equal(["b", "d", "c"], user.Select(static e => e.Value));
        Assert.Equal(At(11, 5), user[0].Time);
        Assert.Empty(await ValuesAsync(sut, "d:1"));
    }

    [Fact]
    public async Task GetRecentQueriesAsync_EntryOlderThanTheTtl_IsGoneWhileTheListLives()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Query("u:1", "a", At(11, 0))]);
        Time.Advance(TimeSpan.FromDays(20));
        await sut.ApplyAsync([Query("u:1", "b", Time.GetUtcNow())]);

        Time.Advance(TimeSpan.FromDays(10));

        Assert.Equal(["b"], await ValuesAsync(sut, "u:1"));
    }

    [Fact]
    public async Task EraseSubjectAsync_SubjectWithEveryKindOfRecord_LeavesNothingAndFreesItsEventIds()
    {
        var sut = CreateStore();
        await sut.MarkEventsSeenAsync(["e1", "e2", "other"]);
        await sut.ApplyAsync(
        [
            Query("u:1", "a", At(11, 0)), Viewed("u:1", "sku", At(11, 0)), Exposure("u:1", "tv", At(11, 0)),
            Seen("u:1", "e1", At(11, 0)), Seen("u:1", "e2", At(11, 0)),
            Query("u:2", "a", At(11, 0)), Seen("u:2", "other", At(11, 0)),
        ]);

        var erased = await sut.EraseSubjectAsync("u:1");

        Assert.True(erased > 0);
        Assert.Empty(await sut.GetRecentQueriesAsync("u:1", 10));
        Assert.Empty(await sut.GetViewedItemsAsync("u:1", 10));
        Assert.Equal(0, (await sut.GetExposuresAsync("u:1", new DateOnly(2026, 3, 1), ["tv"]))["tv"]);
        var seenAgain = await sut.MarkEventsSeenAsync(["e1", "e2", "other"]);
        Assert.Equal([true, true, false], seenAgain);
        Assert.Equal(["a"], await ValuesAsync(sut, "u:2"));
        Assert.Equal(0, await sut.EraseSubjectAsync("u:9"));
    }
}
