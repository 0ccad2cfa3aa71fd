using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// Suggest personalization (issue 4, point 2): the caller's own recent queries, sent through ReportEvents, are a
/// recall source and a feature; cold start is plain MPC. Users are unique per test; the trending list is never
/// refreshed here (the fake clock does not move), so one test's searches do not boost another's.
/// </summary>
public abstract class SuggestPersonalizationTests<THost>(THost host)
    where THost : SuggestRealtimeHost
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private string User(string name) => _run + "-" + name;

    [Fact]
    public async Task Suggest_TwoUsersWithDifferentHistories_GetDifferentFirstItems()
    {
        var (ann, bob) = (User("ann"), User("bob"));
        await host.SearchAsync("gears of war 2", userId: ann);
        await host.SearchAsync("gear head", userId: bob);

        var forAnn = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = ann });
        var forBob = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = bob });

        Assert.Equal("gears of war 2", forAnn.Items[0].Text);
        Assert.Equal("gear head", forBob.Items[0].Text);
        Assert.Equal(Reason.SearchedBefore, forAnn.Items[0].Reason);
        Assert.Equal([Source.Prefix, Source.History], forAnn.Items[0].Sources);
        Assert.False(forAnn.Metadata.Degraded);
        Assert.Equal("heuristic-v1", forAnn.Metadata.ModelVersion);
    }

    [Fact]
    public async Task Suggest_AnonymousDeviceWithHistory_GetsItsOwnQueryFirst()
    {
        var device = User("device");
        await host.SearchAsync("geforce gtx", deviceId: device);

        var texts = await host.SuggestTextsAsync("ge", deviceId: device);

        Assert.Equal("geforce gtx", texts[0]);
    }

    [Fact]
    public async Task Suggest_PastQueryAbsentFromIndex_IsRecalledFromHistory()
    {
        var user = User("cat");
        await host.SearchAsync("gears of war judgment", userId: user);

        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gears", UserId = user });

        var item = Assert.Single(response.Items, i => i.Text == "gears of war judgment");
        Assert.Equal([Source.History], item.Sources);
        Assert.Equal(Reason.SearchedBefore, item.Reason);
    }

    [Fact]
    public async Task Suggest_UserWithoutHistory_GetsPlainMpcOrder()
    {
        var someoneElse = User("dan");
        await host.SearchAsync("gear head", userId: someoneElse);

        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = User("eve") });

        Assert.Equal(TestIndexes.ExpectedTop(SuggestRealtimeHost.Counts, "gea", 10), response.Items.Select(i => i.Text));
        Assert.All(response.Items, i => Assert.Equal(SuggestRealtimeHost.Counts[i.Text], i.Score));
        Assert.All(response.Items, i => Assert.Equal(Reason.PopularCompletion, i.Reason));
    }

    [Fact]
    public async Task Suggest_HistoryNotMatchingPrefix_GetsPlainMpcOrder()
    {
        var user = User("fay");
        await host.SearchAsync("halo reach", userId: user);

        var texts = await host.SuggestTextsAsync("gea", userId: user);

        Assert.Equal(TestIndexes.ExpectedTop(SuggestRealtimeHost.Counts, "gea", 10), texts);
    }
}

public sealed class SuggestPersonalizationEmbeddedTests(EmbeddedSuggestRealtimeHost host)
    : SuggestPersonalizationTests<EmbeddedSuggestRealtimeHost>(host), IClassFixture<EmbeddedSuggestRealtimeHost>;

public sealed class SuggestPersonalizationRedisTests(RedisSuggestRealtimeHost host)
    : SuggestPersonalizationTests<RedisSuggestRealtimeHost>(host), IClassFixture<RedisSuggestRealtimeHost>;
