using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.Storage.Realtime;

namespace QueryRec.FunctionalTests.Events;

/// <summary>
/// ReportEvents through a real gRPC channel (issue 4, point 1), on the embedded stores and on real Redis. Each test
/// uses its own event ids, users and queries, so tests sharing a host do not see each other.
/// </summary>
public abstract class ReportEventsTests(EventsHost host)
{
    private static readonly DateTimeOffset Now = EventsHost.Now;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private QueryRecService.QueryRecServiceClient Client => host.Client;

    private IRealtimeStore Store => host.Store;

    private string Id(string name) => _run + "-" + name;

    private Event Search(string id, string query, string userId = "", string deviceId = "", DateTimeOffset? time = null) => new()
    {
        EventId = Id(id),
        Type = EventType.SearchSubmitted,
        Time = Timestamp.FromDateTimeOffset(time ?? Now.AddMinutes(-1)),
        UserId = userId,
        DeviceId = deviceId,
        Query = query,
    };

    private Event ItemEvent(string id, EventType type, string itemId, string userId, DateTimeOffset? time = null) => new()
    {
        EventId = Id(id),
        Type = type,
        Time = Timestamp.FromDateTimeOffset(time ?? Now.AddMinutes(-1)),
        UserId = userId,
        ItemId = itemId,
    };

    private async Task<TrendingCount?> TrendingOf(string query)
    {
        var trending = await Store.GetTrendingAsync(Now, 10_000);
        return trending.Select(t => (TrendingCount?)t).FirstOrDefault(t => t!.Value.Query == query);
    }

    [Fact]
    public async Task ReportEvents_SameEventTwiceInOneBatch_CountsOnce()
    {
        var user = Id("user");
        var query = Id("ps5 slim");
        var request = new ReportEventsRequest { Events = { Search("e1", query, user), Search("e1", query, user) } };

        var response = await Client.ReportEventsAsync(request);

        Assert.Equal((1, 1, 0), (response.Accepted, response.Duplicates, response.Rejected.Count));
        Assert.False(response.Metadata.Degraded);
        Assert.Equal(new TrendingCount(query, 1, 1), await TrendingOf(query));
    }

    [Fact]
    public async Task ReportEvents_SameEventInTwoCalls_CountsOnce()
    {
        var user = Id("user");
        var query = Id("switch 2");
        var request = new ReportEventsRequest { Events = { Search("e1", query, user) } };

        var first = await Client.ReportEventsAsync(request);
        var second = await Client.ReportEventsAsync(request);

        Assert.Equal((1, 0), (first.Accepted, first.Duplicates));
        Assert.Equal((0, 1), (second.Accepted, second.Duplicates));
        Assert.Equal(new TrendingCount(query, 1, 1), await TrendingOf(query));
    }

    [Fact]
    public async Task ReportEvents_BatchWithBadEvents_AcceptsTheGoodOnesAndReportsEachBadOne()
    {
        var user = Id("user");
        var noTime = Search("no-time", "tv", user);
        noTime.Time = null;
        var unspecified = Search("unspecified", "tv", user);
        unspecified.Type = EventType.Unspecified;
        var negativePosition = Search("position", "tv", user);
        negativePosition.Position = -1;
        var nanAmount = ItemEvent("amount", EventType.Order, "sku-1", user);
        nanAmount.Amount = double.NaN;
        var longPrefix = Search("prefix", "tv", user);
        longPrefix.Prefix = new string('p', 101);
        var request = new ReportEventsRequest
        {
            Events =
            {
                Search("good-1", Id("good query"), user),                          // 0
                ItemEvent("no-item", EventType.ItemViewed, "", user),              // 1
                Search("future", "tv", user, time: Now.AddMinutes(6)),             // 2
                Search("anonymous", "tv"),                                         // 3
                noTime,                                                            // 4
                unspecified,                                                       // 5
                Search("blank-query", " \t ", user),                               // 6
                ItemEvent("good-2", EventType.AddToCart, Id("sku"), user),         // 7
                Search("stale", "tv", user, time: Now.AddHours(-25)),              // 8
                Search(new string('x', 130), "tv", user),                          // 9
                negativePosition,                                                  // 10
                nanAmount,                                                         // 11
                longPrefix,                                                        // 12
                Search("long-user", "tv", new string('u', 129)),                   // 13
            },
        };

        var response = await Client.ReportEventsAsync(request);

        Assert.Equal(2, response.Accepted);
        Assert.Equal(0, response.Duplicates);
        Assert.Equal(
            [(1, "item_id"), (2, "time"), (3, "user_id"), (4, "time"), (5, "type"), (6, "query"), (8, "time"), (9, "event_id"), (10, "position"), (11, "amount"), (12, "prefix"), (13, "user_id")],
            response.Rejected.Select(r => (r.Index, r.Field)));
        Assert.All(response.Rejected.Where(r => r.Index != 9), r => Assert.Equal(request.Events[r.Index].EventId, r.EventId));
        var longId = request.Events[9].EventId;
        Assert.Equal(longId[..128] + $"…(+{longId.Length - 128} chars)", response.Rejected.Single(r => r.Index == 9).EventId);
        Assert.All(response.Rejected, r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
    }

    [Fact]
    public async Task ReportEvents_HugeEventIdWithCrLf_EchoIsBoundedAndEscaped()
    {
        // 65,536 characters: far over the id limit (so rejected) and a line break every 100 characters.
        var id = string.Concat(Enumerable.Repeat(new string('a', 98) + "\r\n", 65_536 / 100)) + new string('z', 65_536 % 100);
        var request = new ReportEventsRequest { Events = { new Event(Search("unused", "tv", Id("user"))) { EventId = id } } };

        var response = await Client.ReportEventsAsync(request);

        var rejection = Assert.Single(response.Rejected);
        Assert.Equal("event_id", rejection.Field);
        Assert.DoesNotContain(rejection.EventId, char.IsControl);
        Assert.StartsWith(new string('a', 98) + "\\r\\n" + new string('a', 26), rejection.EventId);
        Assert.EndsWith($"…(+{id.Length - 126} chars)", rejection.EventId);
        Assert.Equal(128, rejection.EventId.IndexOf('…', StringComparison.Ordinal));
        Assert.True(response.CalculateSize() < 1024, $"response of {response.CalculateSize()} bytes");
    }

    [Fact]
    public async Task ReportEvents_EventTimeJustInsideTheBounds_IsAccepted()
    {
        var user = Id("user");
        var request = new ReportEventsRequest
        {
            Events =
            {
                Search("almost-future", "tv", user, time: Now.AddMinutes(5)),
                Search("almost-stale", "tv", user, time: Now.AddHours(-24).AddSeconds(1)),
            },
        };

        var response = await Client.ReportEventsAsync(request);

        Assert.Equal(2, response.Accepted);
        Assert.Empty(response.Rejected);
    }

    [Fact]
    public async Task ReportEvents_501Events_IsInvalidArgumentNamingEvents()
    {
        var query = Id("tv");
        var request = new ReportEventsRequest();
        for (var i = 0; i < 501; i++)
        {
            request.Events.Add(Search("e" + i, query, Id("user")));
        }

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Client.ReportEventsAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("events", violation.Field);
        Assert.Null(await TrendingOf(query));
    }

    [Fact]
    public async Task ReportEvents_EmptyBatch_IsInvalidArgumentNamingEvents()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await Client.ReportEventsAsync(new ReportEventsRequest()));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("events", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }

    [Fact]
    public async Task ReportEvents_500Events_AreAllAccepted()
    {
        var request = new ReportEventsRequest();
        for (var i = 0; i < 500; i++)
        {
            request.Events.Add(ItemEvent("e" + i, EventType.ItemViewed, "sku-" + i, Id("user")));
        }

        var response = await Client.ReportEventsAsync(request);

        Assert.Equal(500, response.Accepted);
    }

    [Fact]
    public async Task ReportEvents_EveryKind_LandsInTheRealtimeStore()
    {
        var user = Id("user");
        var subject = "u:" + user;
        var searched = Id("iphone 15");
        var clicked = Id("iphone 15 case");
        var shown = Id("airpods");
        var request = new ReportEventsRequest
        {
            Events =
            {
                Search("search", "  " + searched.ToUpperInvariant() + "  ", user, time: Now.AddMinutes(-10)),
                new Event { EventId = Id("shown"), Type = EventType.SuggestionShown, Time = Timestamp.FromDateTimeOffset(Now.AddMinutes(-9)), UserId = user, Query = shown, Scene = Scene.Home },
                new Event { EventId = Id("shown-again"), Type = EventType.SuggestionShown, Time = Timestamp.FromDateTimeOffset(Now.AddMinutes(-8)), UserId = user, Query = shown },
                new Event { EventId = Id("clicked"), Type = EventType.SuggestionClicked, Time = Timestamp.FromDateTimeOffset(Now.AddMinutes(-7)), UserId = user, Query = clicked, Prefix = "iph", Position = 2 },
                ItemEvent("viewed", EventType.ItemViewed, "sku-1", user, Now.AddMinutes(-6)),
                ItemEvent("item-clicked", EventType.ItemClicked, "sku-2", user, Now.AddMinutes(-5)),
                ItemEvent("cart", EventType.AddToCart, "sku-3", user, Now.AddMinutes(-4)),
                ItemEvent("order", EventType.Order, "sku-4", user, Now.AddMinutes(-3)),
            },
        };

        var response = await Client.ReportEventsAsync(request);

        Assert.Equal(8, response.Accepted);
        Assert.Equal(
            [new RecentEntry(clicked, Now.AddMinutes(-7)), new RecentEntry(searched, Now.AddMinutes(-10))],
            await Store.GetRecentQueriesAsync(subject, 10));
        Assert.Equal(["sku-4", "sku-3", "sku-2", "sku-1"], (await Store.GetViewedItemsAsync(subject, 10)).Select(e => e.Value));
        Assert.Equal(2, (await Store.GetExposuresAsync(subject, new DateOnly(2026, 3, 1), [shown]))[shown]);
        Assert.Equal(new TrendingCount(searched, 1, 1), await TrendingOf(searched));
        Assert.Equal(new TrendingCount(clicked, 1, 1), await TrendingOf(clicked));
        Assert.Null(await TrendingOf(shown));
    }

    [Fact]
    public async Task ReportEvents_AnonymousDevice_WorksLikeAUser()
    {
        var device = Id("device");
        var query = Id("kindle");
        var request = new ReportEventsRequest
        {
            Events =
            {
                Search("search", query, deviceId: device),
                ItemEvent("viewed", EventType.ItemViewed, "sku-k", userId: ""),
            },
        };
        request.Events[1].DeviceId = device;

        var response = await Client.ReportEventsAsync(request);

        Assert.Equal(2, response.Accepted);
        Assert.Equal([query], (await Store.GetRecentQueriesAsync("d:" + device, 10)).Select(e => e.Value));
        Assert.Equal(["sku-k"], (await Store.GetViewedItemsAsync("d:" + device, 10)).Select(e => e.Value));
        Assert.Equal(new TrendingCount(query, 1, 1), await TrendingOf(query));
    }

    [Fact]
    public async Task ReportEvents_UserAndDevice_IsRecordedForTheUser()
    {
        var user = Id("user");
        var device = Id("device");
        var query = Id("lego");

        await Client.ReportEventsAsync(new ReportEventsRequest { Events = { Search("search", query, user, device) } });

        Assert.Equal([query], (await Store.GetRecentQueriesAsync("u:" + user, 10)).Select(e => e.Value));
        Assert.Empty(await Store.GetRecentQueriesAsync("d:" + device, 10));
    }

    [Fact]
    public async Task ReportEvents_DistinctSubmitters_AreCountedOncePerSubject()
    {
        var query = Id("new release");
        var request = new ReportEventsRequest
        {
            Events =
            {
                Search("a1", query, userId: Id("a")),
                Search("a2", query, userId: Id("a"), time: Now.AddMinutes(-30)),
                Search("b1", query, deviceId: Id("b")),
                Search("c1", query, userId: Id("c"), time: Now.AddMinutes(-50)),
            },
        };

        await Client.ReportEventsAsync(request);

        Assert.Equal(new TrendingCount(query, 4, 3), await TrendingOf(query));
    }
}

public sealed class ReportEventsEmbeddedTests(EmbeddedEventsHost host) : ReportEventsTests(host), IClassFixture<EmbeddedEventsHost>
{
    [Fact]
    public void Host_WithoutRedis_UsesTheEmbeddedRealtimeStore() => Assert.Equal("embedded", host.Store.Name);
}

public sealed class ReportEventsRedisTests(RedisEventsHost host) : ReportEventsTests(host), IClassFixture<RedisEventsHost>
{
    [Fact]
    public void Host_WithRedis_UsesTheRedisRealtimeStore() => Assert.Equal("redis", host.Store.Name);
}
