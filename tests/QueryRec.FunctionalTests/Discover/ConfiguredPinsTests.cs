using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>Operator pins from configuration (QueryRec:Strategies:Pins): served as shading words, and hot-reloaded.</summary>
public sealed class ConfiguredPinsTests
{
    private static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal) { ["laptop"] = 10, ["lamp"] = 5 };

    [Fact]
    public async Task GetShadingWords_ConfiguredPins_AreServedAndFollowConfigurationReloads()
    {
        using var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("pins-v1", Counts)),
            ["QueryRec:Strategies:Pins:0:Query"] = "  Singles Day 手机 ",
            ["QueryRec:Strategies:Pins:1:Query"] = "espresso machine",
            ["QueryRec:Strategies:Pins:1:Category"] = "coffee",
        });
        var client = factory.CreateClient(factory.CreateChannel());

        var home = await client.GetShadingWordsAsync(new GetShadingWordsRequest { DeviceId = "d-pins", Limit = 20 });
        var coffeePage = await client.GetShadingWordsAsync(new GetShadingWordsRequest
        {
            DeviceId = "d-pins",
            Limit = 20,
            Stage = Stage.Browsing,
            Scene = Scene.Category,
            Context = new PageContext { CategoryId = "coffee" },
        });

        var pinned = Assert.Single(home.Items, i => i.Reason == Reason.Pinned);
        Assert.Equal("singles day 手机", pinned.Text); // normalized
        Assert.Equal([Source.Pinned], pinned.Sources);
        Assert.DoesNotContain("espresso machine", home.Items.Select(i => i.Text)); // a coffee-page pin
        Assert.Contains("espresso machine", coffeePage.Items.Select(i => i.Text));

        var configuration = (IConfigurationRoot)factory.Services.GetRequiredService<IConfiguration>();
        configuration["QueryRec:Strategies:Pins:0:Query"] = "black friday deals";
        configuration.Reload();

        var reloaded = await client.GetShadingWordsAsync(new GetShadingWordsRequest { DeviceId = "d-pins", Limit = 20 });
        Assert.Contains("black friday deals", reloaded.Items.Select(i => i.Text));
        Assert.DoesNotContain("singles day 手机", reloaded.Items.Select(i => i.Text));
    }
}
