using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>
/// GetShadingWords through a real gRPC channel (issue 4, points 3 and 6): sources, the daily exposure cap counted on
/// reported SUGGESTION_SHOWN impressions, the UTC day boundary, rotation and category pages. Tests move the shared
/// fake clock forward only; users are unique per test.
/// </summary>
public abstract class ShadingWordsTests<THost>(THost host)
    where THost : BrowseHost
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private string User(string name) => _run + "-" + name;

    private async Task<List<string>> WordsAsync(string userId, int limit = 20, Scene scene = Scene.Home, string category = "")
    {
        var response = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest
        {
            UserId = userId,
            Stage = Stage.BeforeSearch,
            Scene = scene,
            Limit = limit,
            Context = new PageContext { CategoryId = category },
        });
        return response.Items.Select(static i => i.Text).ToList();
    }

    [Fact]
    public async Task ColdUser_GetsHotWordsAndPins()
    {
        var response = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { DeviceId = User("device"), Limit = 20 });

        Assert.Equal(
            BrowseHost.GlobalHot.Append(BrowseHost.Pin).Order(StringComparer.Ordinal),
            response.Items.Select(static i => i.Text).Order(StringComparer.Ordinal));
        Assert.All(response.Items, i => Assert.Contains(i.Reason, new[] { Reason.Hot, Reason.Pinned }));
        Assert.Equal(BrowseHost.RotationSeconds, response.RotationIntervalSeconds);
        Assert.Equal("shading-words-v1", response.Metadata.Strategy);
    }

    [Fact]
    public async Task UserWithHistory_GetsWordsRelatedToTheirSearches()
    {
        var user = User("ann");
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "iphone 15");

        var response = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { UserId = user, Limit = 20 });

        var item = Assert.Single(response.Items, i => i.Text == "iphone 15 case");
        Assert.Equal(Source.Q2Q, Assert.Single(item.Sources));
        Assert.DoesNotContain("iphone 15", response.Items.Select(static i => i.Text)); // what they just searched
    }

    [Fact]
    public async Task DefaultLimit_IsFive()
    {
        Assert.Equal(5, (await WordsAsync(User("five"), limit: 0)).Count);
    }

    [Fact]
    public async Task ExposureCap_SkipsWordsShownTooOftenToday_AndTheyComeBackTheNextUtcDay()
    {
        var user = User("capped");
        Assert.Contains("tv", await WordsAsync(user));

        for (var i = 0; i < BrowseHost.ExposureCap - 1; i++)
        {
            await host.ReportAsync(EventType.SuggestionShown, user, query: "tv");
        }

        Assert.Contains("tv", await WordsAsync(user)); // below the cap

        await host.ReportAsync(EventType.SuggestionShown, user, query: "tv");
        var capped = await WordsAsync(user);
        Assert.DoesNotContain("tv", capped);
        Assert.Contains("laptop", capped); // only the capped word is skipped
        Assert.Contains("tv", await WordsAsync(User("other"))); // and only for that user

        // Advance to the next UTC day: the count starts over.
        var now = host.Time.GetUtcNow();
        host.Time.Advance(now.Date.AddDays(1).AddMinutes(5) - now.UtcDateTime);
        Assert.Contains("tv", await WordsAsync(user));
    }

    [Fact]
    public async Task SuccessiveCalls_RotateAcrossSlots_AndAreStableWithinASlot()
    {
        var user = User("rotor");
        var seen = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var first = Assert.Single(await WordsAsync(user, limit: 1));
            Assert.Equal(first, Assert.Single(await WordsAsync(user, limit: 1))); // same slot, same word
            seen.Add(first);
            host.Time.Advance(TimeSpan.FromSeconds(BrowseHost.RotationSeconds));
        }

        Assert.Equal(3, seen.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task CategoryPage_UsesThatCategorysWords()
    {
        var response = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest
        {
            UserId = User("browser"),
            Stage = Stage.Browsing,
            Scene = Scene.Category,
            Context = new PageContext { CategoryId = "phones" },
            Limit = 20,
        });

        Assert.Equal(
            BrowseHost.PhonesHot.Append(BrowseHost.Pin).Order(StringComparer.Ordinal),
            response.Items.Select(static i => i.Text).Order(StringComparer.Ordinal));
        Assert.Equal("shading-words-category-v1", response.Metadata.Strategy);
    }

    [Theory]
    [InlineData(21, Stage.BeforeSearch, "limit")]
    [InlineData(-1, Stage.BeforeSearch, "limit")]
    [InlineData(0, Stage.InSearch, "stage")]
    public async Task InvalidRequest_IsInvalidArgumentNamingTheField(int limit, Stage stage, string field)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
            await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { Limit = limit, Stage = stage }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(field, Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);
    }
}

public sealed class ShadingWordsEmbeddedTests(EmbeddedBrowseHost host)
    : ShadingWordsTests<EmbeddedBrowseHost>(host), IClassFixture<EmbeddedBrowseHost>;

public sealed class ShadingWordsRedisTests(RedisBrowseHost host)
    : ShadingWordsTests<RedisBrowseHost>(host), IClassFixture<RedisBrowseHost>;
