using QueryRec.Storage.Realtime;

namespace QueryRec.IntegrationTests.Realtime;

/// <summary>The push part of the contract (issue 25): pushes sent, ordered items, erasure of both, the subject scan.</summary>
public abstract partial class RealtimeStoreContractTests
{
    private static RealtimeUpdate Pushed(string subject, string query, DateTimeOffset time) => new(RealtimeUpdateKind.PushSent, subject, query, time);

    private static RealtimeUpdate Ordered(string subject, string item, DateTimeOffset time) => new(RealtimeUpdateKind.OrderedItem, subject, item, time);

    [Fact]
    public async Task GetPushesSentAsync_RepeatedAndSeveralPushes_DistinctNewestFirstWithTheLatestTime()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Pushed("u:1", "tv", At(9, 0)), Pushed("u:1", "laptop", At(10, 0))]);
        await sut.ApplyAsync([Pushed("u:1", "tv", At(11, 0)), Pushed("u:2", "ps5", At(11, 0))]);

        var pushes = await sut.GetPushesSentAsync("u:1", 10);

        Assert.Equal([new RecentEntry("tv", At(11, 0)), new RecentEntry("laptop", At(10, 0))], pushes);
        Assert.Empty(await sut.GetRecentQueriesAsync("u:1", 10)); // a push is not a search
    }

    [Fact]
    public async Task GetOrderedItemsAsync_OrderedItem_IsListedApartFromViewedItems()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Viewed("u:1", "sku-1", At(10, 0)), Ordered("u:1", "sku-2", At(11, 0))]);

        Assert.Equal(["sku-2"], (await sut.GetOrderedItemsAsync("u:1", 10)).Select(static e => e.Value));
        Assert.Equal(["sku-1"], (await sut.GetViewedItemsAsync("u:1", 10)).Select(static e => e.Value));
    }

    [Fact]
    public async Task EraseSubjectAsync_PushesSentAndOrderedItems_AreErased()
    {
        var sut = CreateStore();
        await sut.ApplyAsync([Pushed("u:1", "tv", At(11, 0)), Ordered("u:1", "sku-2", At(11, 0)), Pushed("u:2", "tv", At(11, 0))]);

        var erased = await sut.EraseSubjectAsync("u:1");

        Assert.Equal(2, erased);
        Assert.Empty(await sut.GetPushesSentAsync("u:1", 10));
        Assert.Empty(await sut.GetOrderedItemsAsync("u:1", 10));
        Assert.Single(await sut.GetPushesSentAsync("u:2", 10));
    }

    [Fact]
    public async Task ScanSubjectsAsync_SubjectsWithHistoryOrViews_EachOnceWithItsNewestTime()
    {
        var sut = CreateStore();
        await sut.ApplyAsync(
        [
            Query("u:1", "a", At(9, 0)), Viewed("u:1", "sku", At(10, 30)),
            Viewed("d:dev", "sku", At(8, 0)),
            Pushed("u:pushed-only", "tv", At(11, 0)),
        ]);

        var scanned = new List<RecentEntry>();
        await foreach (var entry in sut.ScanSubjectsAsync())
        {
            scanned.Add(entry);
        }

        Assert.Equal([new RecentEntry("d:dev", At(8, 0)), new RecentEntry("u:1", At(10, 30))], scanned.OrderBy(static e => e.Value, StringComparer.Ordinal));
    }
}
