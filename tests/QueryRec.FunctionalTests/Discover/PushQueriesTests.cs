using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>
/// GetPushQueries through a real gRPC channel on both stores (issue 25): every candidate source with its reason, the
/// exclusion of recent searches, the daily cap and the cool-down counted from reported PUSH_SENT events, the flagged
/// hot fallback and bad input. Expected lists come from the hand-made index of <see cref="BrowseHost"/>. Tests move
/// the shared fake clock forward only; users are unique per test.
/// </summary>
public abstract class PushQueriesTests<THost>(THost host)
    where THost : BrowseHost
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private string User(string name) => _run + "-" + name;

    private Task<GetPushQueriesResponse> PushAsync(string userId, int limit = 0, string deviceId = "")
        => host.Client.GetPushQueriesAsync(new GetPushQueriesRequest { UserId = userId, DeviceId = deviceId, Limit = limit }).ResponseAsync;

    private static List<string> Texts(GetPushQueriesResponse response) => [.. response.Items.Select(static i => i.Text)];

    [Fact]
    public async Task UserWithHistoryViewsAndInterests_GetsEverySourceWithItsReason()
    {
        var user = User("ann");
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "airpods");
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "iphone 15");
        await host.ReportAsync(EventType.ItemViewed, user, itemId: "sku-1");

        var response = await PushAsync(user, limit: BrowseHost.PushCap);

        var reasons = response.Items.ToDictionary(static i => i.Text, static i => (Assert.Single(i.Sources), i.Reason));
        Assert.Equal((Source.Q2Q, Reason.Related), reasons["iphone 15 case"]); // u2q2q
        Assert.Equal((Source.Q2Q, Reason.Related), reasons["iphone 15 pro"]);
        Assert.Equal((Source.Refine, Reason.Refinement), reasons["iphone 15 pro max"]); // narrower than a past search
        Assert.Equal((Source.Refine, Reason.Refinement), reasons["iphone 15 128gb"]);
        Assert.Equal((Source.I2Q, Reason.ClickedAfterView), reasons["usb c cable"]); // viewed, not bought
        Assert.Equal((Source.I2Q, Reason.ClickedAfterView), reasons["iphone charger"]);
        Assert.Equal((Source.Trending, Reason.Trending), reasons[BrowseHost.AudioTrending]); // trending in "audio"
        Assert.Equal("audio", response.Items.Single(i => i.Text == BrowseHost.AudioTrending).CategoryHint);
        // The hot list of the user's categories (phones: "iphone 15" was searched), then the global one fills the
        // limit, flagged as the fallback, after every own query.
        Assert.Equal((Source.CategoryHot, Reason.Hot), reasons["galaxy s24"]);
        Assert.Equal((Source.CategoryHot, Reason.Hot), reasons["pixel 8"]);
        Assert.Equal("phones", response.Items.Single(static i => i.Text == "pixel 8").CategoryHint);
        Assert.True(response.Fallback);
        Assert.Equal("tv", response.Items[^1].Text);
        Assert.Equal((Source.Hot, Reason.Hot), reasons["tv"]);
        Assert.Equal(BrowseHost.PushCap, response.Items.Count);
        Assert.Equal("push-v1", response.Metadata.Strategy);
        Assert.Equal(BrowseHost.PushCap, response.RemainingToday);
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task OrderedItem_GivesNoClickBackQueries()
    {
        var user = User("buyer");
        await host.ReportAsync(EventType.ItemViewed, user, itemId: "sku-1");
        await host.ReportAsync(EventType.Order, user, itemId: "sku-1");

        var response = await PushAsync(user, limit: BrowseHost.PushCap);

        Assert.DoesNotContain(response.Items, static i => i.Reason == Reason.ClickedAfterView);
    }

    [Fact]
    public async Task RecentSearches_AreNeverPushed()
    {
        var user = User("searcher");
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "iphone 15");
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "iPhone-15 Case"); // a near-duplicate of "iphone 15 case"
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "iphone 15 pro max");

        var texts = Texts(await PushAsync(user, limit: BrowseHost.PushCap));

        Assert.Contains("iphone 15 pro", texts);
        Assert.DoesNotContain("iphone 15", texts);
        Assert.DoesNotContain("iphone 15 case", texts); // in the q2q list of "iphone 15", but searched (another form)
        Assert.DoesNotContain("iphone 15 pro max", texts); // a refinement of "iphone 15", but searched
    }

    [Fact]
    public async Task ReportedPushes_CountTowardTheDailyCapAndCoolDown()
    {
        var user = User("capped");
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "iphone 15");
        var first = await PushAsync(user, limit: 3);
        Assert.Equal(3, first.Items.Count);
        var pushed = Texts(first);
        foreach (var text in pushed)
        {
            await host.ReportAsync(EventType.PushSent, user, query: text);
        }

        var second = await PushAsync(user, limit: BrowseHost.PushCap);

        Assert.Equal(BrowseHost.PushCap - 3, second.RemainingToday);
        Assert.Equal(BrowseHost.PushCap - 3, second.Items.Count);
        Assert.Empty(Texts(second).Intersect(pushed)); // cool-down
        foreach (var text in Texts(second))
        {
            await host.ReportAsync(EventType.PushSent, user, query: text);
        }

        var capped = await PushAsync(user, limit: BrowseHost.PushCap);
        Assert.Equal(0, capped.RemainingToday);
        Assert.Empty(capped.Items);

        // The next UTC day the cap is new; the cool-down (3 days) still holds the pushed queries back.
        host.Time.Advance(TimeSpan.FromDays(1));
        var nextDay = await PushAsync(user, limit: BrowseHost.PushCap);
        Assert.Equal(BrowseHost.PushCap, nextDay.RemainingToday);
        Assert.Empty(Texts(nextDay).Intersect(pushed));
        Assert.NotEmpty(nextDay.Items);
    }

    [Fact]
    public async Task UnknownDevice_GetsTheGlobalHotFallback_Flagged()
    {
        var response = await PushAsync(string.Empty, limit: 3, deviceId: User("new-device"));

        Assert.True(response.Fallback);
        Assert.Equal(BrowseHost.GlobalHot.Take(3), Texts(response));
        Assert.All(response.Items, static i => Assert.Equal((Source.Hot, Reason.Hot), (Assert.Single(i.Sources), i.Reason)));
    }

    [Fact]
    public async Task AnonymousCaller_GetsTheHotFallback_Flagged_AndTheDefaultLimit()
    {
        var response = await PushAsync(string.Empty);

        Assert.True(response.Fallback);
        Assert.Equal(BrowseHost.GlobalHot.Take(3), Texts(response));
    }

    [Theory]
    [InlineData(21, "", "limit")]
    [InlineData(-1, "", "limit")]
    [InlineData(0, "x129", "user_id")]
    public async Task InvalidRequest_IsInvalidArgumentNamingTheField(int limit, string user, string field)
    {
        var request = new GetPushQueriesRequest { Limit = limit, UserId = user == "x129" ? new string('x', 129) : user };

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.GetPushQueriesAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var badRequest = ex.GetRpcStatus()!.GetDetail<BadRequest>();
        Assert.Equal(field, Assert.Single(badRequest.FieldViolations).Field);
    }

    [Fact]
    public async Task PushSentWithoutQuery_IsRejectedNamingTheQuery()
    {
        var response = await host.Client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = User("e"),
                    Type = EventType.PushSent,
                    Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(host.Time.GetUtcNow()),
                    UserId = User("u"),
                },
            },
        });

        Assert.Equal("query", Assert.Single(response.Rejected).Field);
    }
}

public sealed class EmbeddedPushQueriesTests(EmbeddedBrowseHost host)
    : PushQueriesTests<EmbeddedBrowseHost>(host), IClassFixture<EmbeddedBrowseHost>;

public sealed class RedisPushQueriesTests(RedisBrowseHost host)
    : PushQueriesTests<RedisBrowseHost>(host), IClassFixture<RedisBrowseHost>;
