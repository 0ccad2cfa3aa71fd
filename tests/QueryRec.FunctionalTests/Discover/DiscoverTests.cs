using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>
/// Discover through a real gRPC channel (issue 4, points 4–6) on a hand-made index plus events sent through
/// ReportEvents. Users are unique per test, so tests sharing a host do not see each other.
/// </summary>
public abstract class DiscoverTests<THost>(THost host)
    where THost : BrowseHost
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private string User(string name) => _run + "-" + name;

    private static Section SectionOf(DiscoverResponse response, SectionKind kind) => Assert.Single(response.Sections, s => s.Kind == kind);

    private static List<string> Texts(Section section) => section.Items.Select(static i => i.Text).ToList();

    [Fact]
    public async Task BeforeSearch_AfterSubmittingAQuery_ShowsCoOccurringQueriesButNotTheQueryItself()
    {
        var user = User("ann");
        await host.ReportAsync(EventType.SearchSubmitted, user, query: "iphone 15");

        var response = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = user, Stage = Stage.BeforeSearch, Scene = Scene.Home });

        var personal = SectionOf(response, SectionKind.Personal);
        Assert.Contains("iphone 15 case", Texts(personal));
        Assert.DoesNotContain("iphone 15", Texts(personal));
        Assert.DoesNotContain("zzz nothing", Texts(personal)); // zero-result queries are dropped
        var first = personal.Items.Single(i => i.Text == "iphone 15 case");
        Assert.Equal([Source.Q2Q], first.Sources);
        Assert.Equal(Reason.Related, first.Reason);
        Assert.Equal("accessories", first.CategoryHint);
        Assert.NotEmpty(SectionOf(response, SectionKind.Hot).Items);
        Assert.Equal("discover-before-search-v1", response.Metadata.Strategy);
        Assert.Equal("browse-v1", response.Metadata.IndexVersion);
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task BeforeSearch_ColdUser_GetsAnEmptyPersonalSectionAndHotWords()
    {
        var response = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = User("cold"), Stage = Stage.BeforeSearch });

        Assert.Empty(SectionOf(response, SectionKind.Personal).Items);
        var hot = Texts(SectionOf(response, SectionKind.Hot));
        Assert.Contains("tv", hot);
        Assert.Contains("switch 2", hot); // the trending list joins the hot section
    }

    [Fact]
    public async Task BeforeSearch_WithACategory_ShowsThatCategorysHotWords()
    {
        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.BeforeSearch,
            Scene = Scene.Category,
            Context = new PageContext { CategoryId = "phones" },
            Sections = { SectionKind.Hot },
        });

        var hot = Assert.Single(response.Sections);
        Assert.Equal(SectionKind.Hot, hot.Kind);
        Assert.Equal(BrowseHost.PhonesHot.Order(StringComparer.Ordinal), Texts(hot).Order(StringComparer.Ordinal));
        Assert.All(hot.Items, i => Assert.Equal(Source.CategoryHot, Assert.Single(i.Sources)));
    }

    [Fact]
    public async Task BeforeSearch_AfterViewingAnItem_PersonalSectionListsTheItemsQueries()
    {
        var user = User("viewer");
        await host.ReportAsync(EventType.ItemViewed, user, itemId: "sku-1");

        var response = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = user, Stage = Stage.BeforeSearch, Sections = { SectionKind.Personal } });

        var personal = Assert.Single(response.Sections);
        Assert.Equal(["usb c cable", "iphone charger"], Texts(personal));
        Assert.All(personal.Items, i => Assert.Equal(Source.I2Q, Assert.Single(i.Sources)));
    }

    [Fact]
    public async Task Browsing_ClickBackOfAViewedItem_ListsItsQueries()
    {
        var user = User("clicker");
        await host.ReportAsync(EventType.ItemViewed, user, itemId: "sku-1");

        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            UserId = user,
            Stage = Stage.Browsing,
            Scene = Scene.Item,
            Context = new PageContext { ItemId = "sku-1" },
            Sections = { SectionKind.ClickBack },
        });

        var clickBack = Assert.Single(response.Sections);
        Assert.Equal(["usb c cable", "iphone charger"], Texts(clickBack));
        Assert.All(clickBack.Items, i => Assert.Equal(Reason.ClickedAfterView, i.Reason));
        Assert.Equal("discover-browsing-v1", response.Metadata.Strategy);
    }

    [Fact]
    public async Task Browsing_RelatedAndRefine_NeverEchoTheContextQuery()
    {
        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Scene = Scene.SearchResult,
            Context = new PageContext { Query = "  iPhone 15 " },
        });

        Assert.Equal([SectionKind.Related, SectionKind.Refine, SectionKind.ClickBack], response.Sections.Select(static s => s.Kind));
        var related = Texts(SectionOf(response, SectionKind.Related));
        Assert.Equal("iphone 15 case", related[0]);
        Assert.DoesNotContain("iphone 15", related);
        Assert.DoesNotContain("zzz nothing", related);
        var refine = SectionOf(response, SectionKind.Refine);
        Assert.Equal(["iphone 15 pro max", "iphone 15 128gb"], Texts(refine));
        Assert.All(refine.Items, i => Assert.Equal(Reason.Refinement, i.Reason));
        Assert.Empty(SectionOf(response, SectionKind.ClickBack).Items);
    }

    [Fact]
    public async Task Browsing_DiscoveryRelatedList_KeepsEachSourceAndReasonWithoutEchoOrZeroResultQueries()
    {
        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Scene = Scene.SearchResult,
            Context = new PageContext { Query = " AirPods " },
            Sections = { SectionKind.Related },
        });

        var related = Assert.Single(response.Sections).Items.ToDictionary(static i => i.Text);
        Assert.Equal(["hdmi cable", "iphone 15 case", "tv stand"], related.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((Source.CoClick, Reason.SameItemsClicked), (Assert.Single(related["iphone 15 case"].Sources), related["iphone 15 case"].Reason));
        Assert.Equal((Source.SharedWords, Reason.SharesWords), (Assert.Single(related["hdmi cable"].Sources), related["hdmi cable"].Reason));
        Assert.Equal((Source.CategoryHot, Reason.Hot), (Assert.Single(related["tv stand"].Sources), related["tv stand"].Reason));
    }

    [Fact]
    public async Task Browsing_MmrSpreadsCategories()
    {
        // q2q of "tv": "tv stand" 1.0 and "tv mount" 0.67 (furniture), "hdmi cable" 0.33 (cables). With λ = 0.7,
        // after "tv stand" the second furniture item scores 0.7 × 0.67 − 0.3 = 0.17 < 0.7 × 0.33 = 0.23.
        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Context = new PageContext { Query = "tv" },
            Sections = { SectionKind.Related },
        });

        Assert.Equal(["tv stand", "hdmi cable", "tv mount"], Texts(Assert.Single(response.Sections)));
    }

    [Fact]
    public async Task Browsing_LimitCutsEachSection()
    {
        var response = await host.Client.DiscoverAsync(new DiscoverRequest
        {
            Stage = Stage.Browsing,
            Context = new PageContext { Query = "iphone 15" },
            Limit = 1,
        });

        Assert.All(response.Sections.Where(s => s.Kind != SectionKind.ClickBack), s => Assert.Single(s.Items));
    }

    [Theory]
    [InlineData(Stage.InSearch, new[] { SectionKind.Related }, 0, "stage")]
    [InlineData(Stage.Unspecified, new SectionKind[0], 0, "stage")]
    [InlineData(Stage.Browsing, new[] { SectionKind.Personal }, 0, "sections[0]")]
    [InlineData(Stage.BeforeSearch, new[] { (SectionKind)99 }, 0, "sections[0]")]
    [InlineData(Stage.BeforeSearch, new[] { SectionKind.Unspecified }, 0, "sections[0]")]
    [InlineData(Stage.BeforeSearch, new SectionKind[0], 51, "limit")]
    [InlineData(Stage.BeforeSearch, new SectionKind[0], -1, "limit")]
    public async Task Discover_InvalidRequest_IsInvalidArgumentNamingTheField(Stage stage, SectionKind[] sections, int limit, string field)
    {
        var request = new DiscoverRequest { Stage = stage, Limit = limit };
        request.Sections.AddRange(sections);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await host.Client.DiscoverAsync(request));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var violation = Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal(field, violation.Field);
    }
}

public sealed class DiscoverEmbeddedTests(EmbeddedBrowseHost host)
    : DiscoverTests<EmbeddedBrowseHost>(host), IClassFixture<EmbeddedBrowseHost>;

public sealed class DiscoverRedisTests(RedisBrowseHost host)
    : DiscoverTests<RedisBrowseHost>(host), IClassFixture<RedisBrowseHost>;
