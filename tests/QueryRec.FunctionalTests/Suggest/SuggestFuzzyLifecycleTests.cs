using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Index;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>The per-version typo-tolerant matcher: built in the background, replaced on a flip, absent for old indexes.</summary>
public sealed class SuggestFuzzyLifecycleTests
{
    private static readonly Dictionary<string, long> V1 = new(StringComparer.Ordinal)
    {
        ["ipad pro"] = 100,
        ["ipac charger"] = 10,
    };

    private static readonly Dictionary<string, long> V2 = new(StringComparer.Ordinal)
    {
        ["ipod touch"] = 100,
        ["ipac charger"] = 10,
    };

    private static (QueryRecFactory Factory, QueryRecService.QueryRecServiceClient Client) Host(IIndexStore store)
    {
        var factory = new QueryRecFactory(new Dictionary<string, string?>
        {
            ["QueryRec:Store:PollInterval"] = "00:00:00.050",
        })
        {
            TestServices = services => services.Replace(ServiceDescriptor.Singleton(store)),
        };
        return (factory, factory.CreateClient(factory.CreateChannel()));
    }

    private static async Task<EmbeddedIndexStore> StoreWithAsync(IndexBuild build)
    {
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(build);
        return store;
    }

    [Fact]
    public async Task Suggest_MatcherStillBuilding_SkipsFuzzyAndIsDegradedOnlyWhenFuzzyWouldRun()
    {
        var gated = new GatedIndexStore(await StoreWithAsync(new MatchIndex { Version = "fz-v1", Counts = V1 }.Build()));
        var (factory, client) = Host(gated);
        using var _ = factory;

        var thin = await client.SuggestAsync(new SuggestRequest { Prefix = "ipac" });
        var full = await client.SuggestAsync(new SuggestRequest { Prefix = "ipac", Limit = 1 });

        Assert.Equal(["ipac charger"], thin.Items.Select(static i => i.Text));
        Assert.Equal(["source_unavailable:fuzzy"], thin.Metadata.DegradedReasons);
        Assert.False(full.Metadata.Degraded);
    }

    [Fact]
    public async Task Suggest_MatcherBuilt_RecallsTypoCorrectionsWithoutDegrading()
    {
        var gated = new GatedIndexStore(await StoreWithAsync(new MatchIndex { Version = "fz-v1", Counts = V1 }.Build()));
        var (factory, client) = Host(gated);
        using var _ = factory;
        await client.SuggestAsync(new SuggestRequest { Prefix = "ipac" });

        gated.OpenVocabulary();
        await MatchHost.WaitForFuzzyAsync(factory, "fz-v1");
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ipac" });

        Assert.Equal(["ipac charger", "ipad pro"], response.Items.Select(static i => i.Text));
        Assert.False(response.Metadata.Degraded);
    }

    [Fact]
    public async Task Suggest_VersionFlip_ReplacesTheMatcherWithTheNewVocabulary()
    {
        var store = await StoreWithAsync(new MatchIndex { Version = "fz-v1", Counts = V1 }.Build());
        var (factory, client) = Host(store);
        using var _ = factory;
        var first = await MatchHost.WaitForFuzzyAsync(factory, "fz-v1");
        var before = await client.SuggestAsync(new SuggestRequest { Prefix = "ipxd" });

        await store.PublishAsync(new MatchIndex { Version = "fz-v2", Counts = V2 }.Build());
        var second = await MatchHost.WaitForFuzzyAsync(factory, "fz-v2");
        var after = await client.SuggestAsync(new SuggestRequest { Prefix = "ipxd" });

        Assert.Equal(["ipad pro"], before.Items.Select(static i => i.Text));
        Assert.Equal(["ipod touch"], after.Items.Select(static i => i.Text));
        Assert.NotSame(first.Fuzzy.Ready, second.Fuzzy.Ready);
    }

    [Fact]
    public async Task Suggest_VersionWithoutMatchingTables_ServesPlainPrefixAnswersWithoutDegrading()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["ipad pro"] = 100,
            ["ipac charger"] = 10,
            ["lianne jewelry"] = 20,
        };
        var store = await StoreWithAsync(TestIndexes.FromQueries("plain-v1", counts));
        var (factory, client) = Host(store);
        using var _ = factory;

        var prefix = await client.SuggestAsync(new SuggestRequest { Prefix = "ipa" });
        var typo = await client.SuggestAsync(new SuggestRequest { Prefix = "ipxd" });
        var latin = await client.SuggestAsync(new SuggestRequest { Prefix = "lian" });

        Assert.Equal(TestIndexes.ExpectedTop(counts, "ipa", 10), prefix.Items.Select(static i => i.Text));
        Assert.Empty(typo.Items);
        Assert.Equal(["lianne jewelry"], latin.Items.Select(static i => i.Text));
        Assert.All([prefix, typo, latin], static r => Assert.False(r.Metadata.Degraded));
        Assert.Same(FuzzyVocabulary.None, factory.Services.GetRequiredService<ActiveIndex>().Current!.Fuzzy);
    }
}
