using QueryRec.Contracts.V1;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>
/// PERSONAL seeds from the Discover RELATED lists (rd:) of the caller's recent queries by default
/// (<c>QueryRec:Strategies:PersonalFromDiscoveryRelated</c>), from q2q (r:) only when it is off. In the browse test
/// index "airpods" has an rd: list (co-click, shared words, category hot) and no q2q list.
/// </summary>
public sealed class PersonalFromRelatedTests
{
    private static async Task<Section> PersonalAfterSearchingAirpodsAsync(string? option)
    {
        var host = new EmbeddedBrowseHost
        {
            ExtraSettings = option is null ? [] : new() { ["QueryRec:Strategies:PersonalFromDiscoveryRelated"] = option },
        };
        await host.InitializeAsync();
        try
        {
            await host.ReportAsync(EventType.SearchSubmitted, "airpods-fan", query: "airpods");
            var response = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = "airpods-fan", Stage = Stage.BeforeSearch, Sections = { SectionKind.Personal } });
            return Assert.Single(response.Sections);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Personal_Default_ReadsTheRecentQuerysRelatedListWithItsSources()
    {
        var personal = await PersonalAfterSearchingAirpodsAsync(null);

        var texts = personal.Items.Select(static i => i.Text).ToList();
        Assert.Equal(["hdmi cable", "iphone 15 case", "tv stand"], texts.Order(StringComparer.Ordinal));
        Assert.Equal([Source.CoClick], personal.Items.Single(static i => i.Text == "iphone 15 case").Sources);
        Assert.Equal(Reason.SharesWords, personal.Items.Single(static i => i.Text == "hdmi cable").Reason);
    }

    [Fact]
    public async Task Personal_OptionOff_ReadsQ2qOnly()
    {
        var personal = await PersonalAfterSearchingAirpodsAsync("false");

        Assert.Empty(personal.Items);
    }
}
