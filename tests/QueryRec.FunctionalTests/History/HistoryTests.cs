using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Suggest;

namespace QueryRec.FunctionalTests.History;

/// <summary>
/// Search history as a product (issue 23, point 1): the HISTORY section of Discover and DeleteHistory, through a real
/// gRPC channel, with searches sent through ReportEvents. Users are unique per test.
/// </summary>
public abstract class HistoryTests<THost>(THost host)
    where THost : HistoryHost
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private string User(string name) => _run + "-" + name;

    [Fact]
    public async Task History_SearchesWithRepeats_AreListedNewestFirstOncePerNormalizedQuery()
    {
        var user = User("ann");
        await host.SearchAsync("Gears of War", userId: user, minutesAgo: 30);
        await host.SearchAsync("halo reach", userId: user, minutesAgo: 20);
        await host.SearchAsync("  gears   of war ", userId: user, minutesAgo: 10);

        var texts = await host.HistoryTextsAsync(userId: user);

        Assert.Equal(["gears of war", "halo reach"], texts);
    }

    [Fact]
    public async Task History_Entry_CarriesTheTimeOfTheLastSearch()
    {
        var user = User("bea");
        await host.SearchAsync("halo reach", userId: user, minutesAgo: 30);
        await host.SearchAsync("halo reach", userId: user, minutesAgo: 7);

        var item = Assert.Single((await host.HistoryAsync(userId: user)).Items);

        Assert.Equal(host.Time.GetUtcNow().AddMinutes(-7), item.LastSearched.ToDateTimeOffset());
        Assert.Equal([Source.History], item.Sources);
        Assert.Equal(Reason.SearchedBefore, item.Reason);
    }

    [Fact]
    public async Task Discover_BeforeSearchWithoutSections_StartsWithTheHistorySection()
    {
        var user = User("cat");
        await host.SearchAsync("halo reach", userId: user);

        var response = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = user, Stage = Stage.BeforeSearch });

        Assert.Equal([SectionKind.History, SectionKind.Personal, SectionKind.Hot], response.Sections.Select(static s => s.Kind));
        Assert.Equal("halo reach", Assert.Single(response.Sections[0].Items).Text);
    }

    [Fact]
    public async Task DeleteHistory_OneQueryByItsShownText_RemovesOnlyThatQuery()
    {
        var user = User("dan");
        await host.SearchAsync("gear head", userId: user, minutesAgo: 3);
        await host.SearchAsync("halo reach", userId: user, minutesAgo: 2);

        var response = await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = user, Query = "Halo  Reach" });

        Assert.Equal(1, response.Deleted);
        Assert.Equal(["gear head"], await host.HistoryTextsAsync(userId: user));
    }

    [Fact]
    public async Task DeleteHistory_SameQueryTwice_SecondDeletesNothing()
    {
        var user = User("eve");
        await host.SearchAsync("halo reach", userId: user);
        await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = user, Query = "halo reach" });

        var again = await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = user, Query = "halo reach" });

        Assert.Equal(0, again.Deleted);
        Assert.Empty(await host.HistoryTextsAsync(userId: user));
    }

    [Fact]
    public async Task DeleteHistory_All_EmptiesTheHistoryAndCountsTheEntries()
    {
        var user = User("fay");
        await host.SearchAsync("gear head", userId: user, minutesAgo: 3);
        await host.SearchAsync("halo reach", userId: user, minutesAgo: 2);
        await host.SearchAsync("gears of war", userId: user, minutesAgo: 1);

        var response = await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = user, All = true });

        Assert.Equal(3, response.Deleted);
        Assert.Empty(await host.HistoryTextsAsync(userId: user));
    }

    [Fact]
    public async Task DeleteHistory_WithUserAndDevice_ClearsTheDevicesUnmergedListToo()
    {
        var (user, device) = (User("gus"), User("gus-phone"));
        await host.SearchAsync("gear head", deviceId: device, minutesAgo: 3);
        await host.SearchAsync("gear head", userId: user, minutesAgo: 2);

        var response = await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = user, DeviceId = device, Query = "gear head" });

        Assert.Equal(2, response.Deleted);
        Assert.Empty(await host.HistoryTextsAsync(deviceId: device));
        Assert.Empty(await host.HistoryTextsAsync(userId: user));
    }

    [Fact]
    public async Task Suggest_AfterDeletingAQuery_ItLosesTheSearchedBeforeBoostAndReason()
    {
        var user = User("hal");
        await host.SearchAsync("gears of war 2", userId: user);
        var before = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });
        Assert.Equal("gears of war 2", before.Items[0].Text);
        Assert.Equal(Reason.SearchedBefore, before.Items[0].Reason);

        await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = user, Query = "gears of war 2" });
        var after = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = user });

        Assert.Equal("gears of war 3", after.Items[0].Text); // the most popular completion: plain MPC order again
        var deleted = Assert.Single(after.Items, i => i.Text == "gears of war 2");
        Assert.DoesNotContain(Source.History, deleted.Sources);
        Assert.NotEqual(Reason.SearchedBefore, deleted.Reason);
        Assert.Equal(SuggestRealtimeHost.Counts["gears of war 2"], deleted.Score);
    }

    [Fact]
    public async Task Discover_AfterDeletingASeedQuery_PersonalSectionDropsWhatItSeeded()
    {
        var user = User("ivy");
        await host.SearchAsync("halo reach", userId: user);
        var request = new DiscoverRequest { UserId = user, Stage = Stage.BeforeSearch, Sections = { SectionKind.Personal } };
        Assert.Contains("gears of war 3", (await host.Client.DiscoverAsync(request)).Sections[0].Items.Select(static i => i.Text));

        await host.Client.DeleteHistoryAsync(new DeleteHistoryRequest { UserId = user, Query = "halo reach" });

        Assert.Empty((await host.Client.DiscoverAsync(request)).Sections[0].Items);
    }

    [Fact]
    public async Task ReportEvents_WithDeviceAndUser_MergesTheDevicesHistoryIntoTheUsers()
    {
        var (user, device) = (User("jon"), User("jon-phone"));
        await host.SearchAsync("gear head", deviceId: device, minutesAgo: 10);
        await host.SearchAsync("gears of war", deviceId: device, minutesAgo: 9);
        await host.SearchAsync("geforce gtx", userId: user, minutesAgo: 8);

        await host.SearchAsync("halo reach", userId: user, deviceId: device, minutesAgo: 1);

        Assert.Equal(["halo reach", "geforce gtx", "gears of war", "gear head"], await host.HistoryTextsAsync(userId: user));
        Assert.Empty(await host.HistoryTextsAsync(deviceId: device));
    }

    [Fact]
    public async Task ReportEvents_LoginMergeOverTheCap_KeepsTheNewestOncePerQuery()
    {
        var (user, device) = (User("kim"), User("kim-phone"));
        await host.SearchAsync("gear head", deviceId: device, minutesAgo: 20);
        await host.SearchAsync("gears of war", deviceId: device, minutesAgo: 15);
        await host.SearchAsync("geforce gtx", deviceId: device, minutesAgo: 12);
        await host.SearchAsync("gears of war", userId: user, minutesAgo: 5);
        await host.SearchAsync("gears of war 2", userId: user, minutesAgo: 4);

        await host.SearchAsync("halo reach", userId: user, deviceId: device, minutesAgo: 1);

        var history = (await host.HistoryAsync(userId: user)).Items;
        Assert.Equal(["halo reach", "gears of war 2", "gears of war", "geforce gtx"], history.Select(static i => i.Text));
        Assert.Equal(host.Time.GetUtcNow().AddMinutes(-5), history[2].LastSearched.ToDateTimeOffset()); // the user's, newer than the device's
    }

    [Fact]
    public async Task History_MoreDistinctSearchesThanTheCap_KeepsTheNewest()
    {
        var user = User("lee");
        string[] queries = ["gear head", "gears of war", "geforce gtx", "gears of war 2", "halo reach"];
        for (var i = 0; i < queries.Length; i++)
        {
            await host.SearchAsync(queries[i], userId: user, minutesAgo: 10 - i);
        }

        var texts = await host.HistoryTextsAsync(userId: user);

        Assert.Equal(["halo reach", "gears of war 2", "geforce gtx", "gears of war"], texts);
    }

    [Theory]
    [InlineData("", "", "q", false, "user_id")]
    [InlineData("u", "", "", false, "query")]
    [InlineData("u", "", "q", true, "query")]
    [InlineData("u", "", " \t", false, "query")]
    [InlineData("u", "", "LONG_QUERY", false, "query")]
    [InlineData("LONG_ID", "", "q", false, "user_id")]
    [InlineData("", "LONG_ID", "", true, "device_id")]
    public async Task DeleteHistory_InvalidRequest_IsInvalidArgumentNamingTheField(string userId, string deviceId, string query, bool all, string field)
    {
        static string Expand(string value) => value switch
        {
            "LONG_QUERY" => new string('q', 257),
            "LONG_ID" => new string('i', 129),
            _ => value,
        };
        var request = new DeleteHistoryRequest { UserId = Expand(userId), DeviceId = Expand(deviceId), Query = Expand(query), All = all };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.DeleteHistoryAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal(field, violation.Field);
    }
}

public sealed class HistoryEmbeddedTests(EmbeddedHistoryHost host)
    : HistoryTests<EmbeddedHistoryHost>(host), IClassFixture<EmbeddedHistoryHost>;

public sealed class HistoryRedisTests(RedisHistoryHost host)
    : HistoryTests<RedisHistoryHost>(host), IClassFixture<RedisHistoryHost>;
