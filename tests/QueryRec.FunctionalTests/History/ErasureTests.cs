using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using QueryRec.Contracts.Admin.V1;
using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.History;

/// <summary>
/// Erasure (issue 23, point 4) through the admin port: afterwards the store holds nothing that names the subject or
/// its events (read from the store itself: the Redis keyspace, on every master of a cluster), and other subjects keep
/// theirs. Subjects are unique per test.
/// </summary>
public abstract class ErasureTests<THost>(THost host)
    where THost : ErasureHost
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private static Event Event(EventType type, string userId, string deviceId, string query = "", string itemId = "") => new()
    {
        EventId = Guid.NewGuid().ToString("N"),
        Type = type,
        Time = Timestamp.FromDateTimeOffset(TimeProvider.System.GetUtcNow().AddMinutes(-1)),
        UserId = userId,
        DeviceId = deviceId,
        Query = query,
        ItemId = itemId,
    };

    /// <summary>Reports a device's search, then a login session of the user on it: search, shown words, a view, an order and pushes.</summary>
    private async Task<List<Event>> ReportLifeOfAsync(string user, string device)
    {
        List<Event> events =
        [
            Event(EventType.SearchSubmitted, "", device, query: "gear head"),
            Event(EventType.SearchSubmitted, user, device, query: "halo reach"),
            Event(EventType.SuggestionShown, user, "", query: "gears of war"),
            Event(EventType.ItemViewed, user, "", itemId: "sku-" + _run),
            Event(EventType.Order, user, "", itemId: "sku-" + _run),
            Event(EventType.PushSent, user, "", query: "gears of war 3"),
            Event(EventType.PushSent, "", device, query: "gears of war 3"),
        ];
        foreach (var e in events)
        {
            var response = await host.Client.ReportEventsAsync(new ReportEventsRequest { Events = { e } });
            Assert.Equal(1, response.Accepted);
        }

        return events;
    }

    [Fact]
    public async Task ForgetSubject_UserAndThenDevice_LeavesNoRecordOfEitherAndKeepsOthers()
    {
        var (user, device, other) = ("ann-" + _run, "ann-phone-" + _run, "bob-" + _run);
        var events = await ReportLifeOfAsync(user, device);
        var others = await ReportLifeOfAsync(other, "bob-phone-" + _run);
        var ids = events.Select(static e => e.EventId).ToList();
        Assert.NotEmpty(await host.RecordsOfAsync("u:" + user, ids));

        var forUser = await host.Admin.ForgetSubjectAsync(new ForgetSubjectRequest { UserId = user }, ErasureHost.WithToken());
        await host.Admin.ForgetSubjectAsync(new ForgetSubjectRequest { DeviceId = device }, ErasureHost.WithToken());

        Assert.True(forUser.Erased > 0);
        Assert.Empty(await host.RecordsOfAsync("u:" + user, ids));
        Assert.Empty(await host.RecordsOfAsync("d:" + device, ids));
        Assert.NotEmpty(await host.RecordsOfAsync("u:" + other, others.Select(static e => e.EventId).ToList()));
    }

    [Fact]
    public async Task ForgetSubject_ErasedUser_HasNoHistoryAndItsEventIdsAreNewAgain()
    {
        var (user, device) = ("cat-" + _run, "cat-phone-" + _run);
        var events = await ReportLifeOfAsync(user, device);

        await host.Admin.ForgetSubjectAsync(new ForgetSubjectRequest { UserId = user }, ErasureHost.WithToken());

        var discover = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = user, Stage = Stage.BeforeSearch, Sections = { SectionKind.History } });
        Assert.Empty(discover.Sections[0].Items);
        var again = await host.Client.ReportEventsAsync(new ReportEventsRequest { Events = { events[2] } });
        Assert.Equal(1, again.Accepted); // its dedupe mark went with the subject
    }

    [Fact]
    public async Task ForgetSubject_Twice_SecondErasesNothing()
    {
        var user = "dan-" + _run;
        await ReportLifeOfAsync(user, "dan-phone-" + _run);
        await host.Admin.ForgetSubjectAsync(new ForgetSubjectRequest { UserId = user }, ErasureHost.WithToken());

        var again = await host.Admin.ForgetSubjectAsync(new ForgetSubjectRequest { UserId = user }, ErasureHost.WithToken());

        Assert.Equal(0, again.Erased);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("u", "d")]
    public async Task ForgetSubject_NotExactlyOneId_IsInvalidArgument(string userId, string deviceId)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Admin.ForgetSubjectAsync(new ForgetSubjectRequest { UserId = userId, DeviceId = deviceId }, ErasureHost.WithToken()));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }
}

public sealed class ErasureEmbeddedTests(EmbeddedErasureHost host)
    : ErasureTests<EmbeddedErasureHost>(host), IClassFixture<EmbeddedErasureHost>;

public sealed class ErasureRedisTests(RedisErasureHost host)
    : ErasureTests<RedisErasureHost>(host), IClassFixture<RedisErasureHost>;

public sealed class ErasureClusterTests(ClusterErasureHost host)
    : ErasureTests<ClusterErasureHost>(host), IClassFixture<ClusterErasureHost>;
