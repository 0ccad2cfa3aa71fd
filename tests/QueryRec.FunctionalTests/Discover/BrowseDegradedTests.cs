using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage.Realtime;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>Discover and GetShadingWords degrade instead of failing: no index, or a real-time store that is down.</summary>
public sealed class BrowseDegradedTests
{
    [Fact]
    public async Task NoIndex_AnswersEmptyAndDegraded()
    {
        using var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = "" });
        var client = factory.CreateClient(factory.CreateChannel());

        var discover = await client.DiscoverAsync(new DiscoverRequest { Stage = Stage.BeforeSearch });
        var shading = await client.GetShadingWordsAsync(new GetShadingWordsRequest());

        Assert.All(discover.Sections, s => Assert.Empty(s.Items));
        Assert.Empty(shading.Items);
        Assert.Equal(["index_unavailable"], discover.Metadata.DegradedReasons);
        Assert.Equal(["index_unavailable"], shading.Metadata.DegradedReasons);
        Assert.True(shading.Metadata.Degraded);
    }

    [Fact]
    public async Task RealtimeStoreDown_PersonalSourcesAreDroppedAndHotWordsStillServed()
    {
        var host = new EmbeddedBrowseHost
        {
            ExtraServices = services => services.Replace(ServiceDescriptor.Singleton<IRealtimeStore>(new DownRealtimeStore())),
        };
        await host.InitializeAsync();
        try
        {
            var discover = await host.Client.DiscoverAsync(new DiscoverRequest { UserId = "u", Stage = Stage.BeforeSearch });
            var shading = await host.Client.GetShadingWordsAsync(new GetShadingWordsRequest { UserId = "u", Limit = 20 });

            Assert.Empty(discover.Sections.Single(s => s.Kind == SectionKind.Personal).Items);
            Assert.NotEmpty(discover.Sections.Single(s => s.Kind == SectionKind.Hot).Items);
            Assert.True(discover.Metadata.Degraded);
            Assert.Contains("source_error:q2q_recent", discover.Metadata.DegradedReasons);
            Assert.Contains("source_error:i2q_viewed", discover.Metadata.DegradedReasons);
            Assert.Contains("tv", shading.Items.Select(static i => i.Text));
            Assert.Contains("rerank_error:exposure_cap", shading.Metadata.DegradedReasons);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task RealtimeStoreDown_PushesNothingToAKnownSubject_AndHotToAnAnonymousOne()
    {
        var host = new EmbeddedBrowseHost
        {
            ExtraServices = services => services.Replace(ServiceDescriptor.Singleton<IRealtimeStore>(new DownRealtimeStore())),
        };
        await host.InitializeAsync();
        try
        {
            var known = await host.Client.GetPushQueriesAsync(new GetPushQueriesRequest { UserId = "u", Limit = 3 });
            var anonymous = await host.Client.GetPushQueriesAsync(new GetPushQueriesRequest { Limit = 3 });

            // The cap cannot be checked: nothing is pushed rather than a push over it.
            Assert.Empty(known.Items);
            Assert.Equal(0, known.RemainingToday);
            Assert.Equal(["source_error:pushes_sent"], known.Metadata.DegradedReasons);
            Assert.Equal(BrowseHost.GlobalHot.Take(3), anonymous.Items.Select(static i => i.Text));
            Assert.True(anonymous.Fallback);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
