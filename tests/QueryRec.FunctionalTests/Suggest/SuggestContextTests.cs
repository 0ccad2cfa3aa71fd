using Google.Rpc;
using Grpc.Core;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.TestSupport;
using static QueryRec.FunctionalTests.Infrastructure.TestIndexes;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// Category context (the page's category and the request's filters, combined with AND, with fill-up) and
/// near-duplicate collapse, through the real gRPC channel, on the embedded store and on a real redis-server.
/// </summary>
public sealed class SuggestContextTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static readonly TestQuery[] Phones =
    [
        new("phone", 100, ["phones"]),
        new("phone case", 50, ["accessories", "phones"]),
        new("phone charger", 40, ["accessories"]),
        new("phone stand", 30, ["furniture"]),
        new("phone holder", 20, []),
    ];

    private static readonly TestQuery[] Duplicates =
    [
        new("iphone 15", 100, ["phones"]),
        new("iphone 15 pro", 60, ["phones"]),
        new("iphone15", 40, ["phones"]),
        new("iphone-15", 10, ["phones"]),
        new("red dress", 60, ["dresses"]),
        new("red dresses", 90, ["dresses"]),
        new("red shoes", 20, ["shoes"]),
    ];

    [Theory]
    [InlineData("embedded")]
    [InlineData("redis")]
    public async Task ContextCategoryAndFilters_CombineWithAnd_ThenFillUpMarked(string store)
    {
        using var factory = await HostAsync(store, Phones);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest
        {
            Prefix = "phone",
            Limit = 3,
            Context = new PageContext { CategoryId = "accessories" },
            CategoryFilters = { "phones" },
        });

        // Only "phone case" is in accessories AND phones; the rest fill up in popularity order.
        Assert.Equal(["phone case", "phone", "phone charger"], response.Items.Select(i => i.Text));
        Assert.Equal([false, true, true], response.Items.Select(i => i.ContextFill));
        Assert.False(response.Metadata.Degraded);
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("redis")]
    public async Task EnoughMatches_NoFill(string store)
    {
        using var factory = await HostAsync(store, Phones);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "phone", Limit = 2, Context = new PageContext { CategoryId = "accessories" } });

        Assert.Equal(["phone case", "phone charger"], response.Items.Select(i => i.Text));
        Assert.All(response.Items, i => Assert.False(i.ContextFill));
    }

    [Fact]
    public async Task NoContext_IsPlainPopularityOrder()
    {
        using var factory = await HostAsync("embedded", Phones);
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "phone" });

        var expected = Phones.OrderByDescending(static q => q.Count).Select(static q => q.Text);
        Assert.Equal(expected, response.Items.Select(i => i.Text));
        Assert.All(response.Items, i => Assert.False(i.ContextFill));
    }

    [Fact]
    public async Task BoostMode_LowersOutsideItemsInsteadOfFiltering()
    {
        const double factor = 0.1;
        using var factory = await HostAsync("embedded", Phones, new()
        {
            ["QueryRec:Suggest:CategoryFilter"] = "Boost",
            ["QueryRec:Suggest:CategoryBoostFactor"] = "0.1",
        });
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "phone", Context = new PageContext { CategoryId = "furniture" } });

        // Popularity x 0.1 outside furniture: stand 30 > phone 10 > case 5 > charger 4 > holder 2.
        var expected = Phones
            .OrderByDescending(q => q.Categories.Contains("furniture") ? q.Count : q.Count * factor)
            .Select(static q => q.Text);
        Assert.Equal(expected, response.Items.Select(i => i.Text));
        Assert.Equal(["phone stand"], response.Items.Where(i => !i.ContextFill).Select(i => i.Text));
    }

    [Fact]
    public async Task TooManyOrEmptyFilters_AreInvalidArgumentNamingTheField()
    {
        using var factory = await HostAsync("embedded", Phones);
        var client = factory.CreateClient(factory.CreateChannel());

        var tooMany = new SuggestRequest { Prefix = "phone" };
        tooMany.CategoryFilters.AddRange(Enumerable.Range(0, 9).Select(i => "c" + i));
        var ex = await Assert.ThrowsAsync<RpcException>(async () => await client.SuggestAsync(tooMany));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("category_filters", Assert.Single(ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations).Field);

        var empty = new SuggestRequest { Prefix = "phone", CategoryFilters = { "phones", " ", new string('x', 129) } };
        ex = await Assert.ThrowsAsync<RpcException>(async () => await client.SuggestAsync(empty));
        Assert.Equal(
            ["category_filters[1]", "category_filters[2]"],
            ex.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).Order());
    }

    [Theory]
    [InlineData("embedded")]
    [InlineData("redis")]
    public async Task NearDuplicates_CollapseToTheMostPopularForm_AndAreCounted(string store)
    {
        using var factory = await HostAsync(store, Duplicates);
        var client = factory.CreateClient(factory.CreateChannel());

        var iphone = await client.SuggestAsync(new SuggestRequest { Prefix = "iphone" });
        var red = await client.SuggestAsync(new SuggestRequest { Prefix = "red" });

        // "iphone15" and "iphone-15" differ from "iphone 15" only by spacing and punctuation.
        Assert.Equal(["iphone 15", "iphone 15 pro"], iphone.Items.Select(i => i.Text));
        Assert.Equal([2, 0], iphone.Items.Select(i => i.CollapsedVariants));

        // "red dress" and "red dresses" differ by a plural: the more popular plural is shown.
        Assert.Equal(["red dresses", "red shoes"], red.Items.Select(i => i.Text));
        Assert.Equal([1, 0], red.Items.Select(i => i.CollapsedVariants));
    }

    private async Task<QueryRecFactory> HostAsync(string store, TestQuery[] queries, Dictionary<string, string?>? extra = null)
    {
        var build = FromEntries("ctx-v1", queries);
        var settings = new Dictionary<string, string?>(extra ?? []);
        if (store == "redis")
        {
            await RedisTestIndex.PublishAndConfigureAsync(redis, build, settings);
        }
        else
        {
            settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(build);
        }

        return new QueryRecFactory(settings);
    }
}
