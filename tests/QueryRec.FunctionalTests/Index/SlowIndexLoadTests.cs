using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Resilience;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;

namespace QueryRec.FunctionalTests.Index;

/// <summary>
/// A version whose snapshot takes longer to load than one read's timeout (a packed Redis version's text table at 10^7
/// queries takes seconds against a 1 s read timeout): the index poll carries on with the same snapshot until it is
/// loaded, instead of opening a new one, which started the load over on every poll, so the version was never served.
/// </summary>
public sealed class SlowIndexLoadTests
{
    [Fact]
    public async Task Suggest_SnapshotLoadLongerThanTheReadTimeout_ServesTheVersionOnceLoaded_OpeningOneSnapshot()
    {
        var embedded = new EmbeddedIndexStore();
        await embedded.PublishAsync(TestIndexes.FromQueries("slow-v1", new Dictionary<string, long>(StringComparer.Ordinal) { ["iphone 15"] = 50, ["ipad pro"] = 20 }));
        var slow = new SlowLoadIndexStore(embedded, TimeSpan.FromMilliseconds(600));
        using var factory = new QueryRecFactory(new Dictionary<string, string?>
        {
            ["QueryRec:Store:PollInterval"] = "00:00:00.050",
            ["QueryRec:Resilience:ReadTimeout"] = "00:00:00.050",
        })
        {
            TestServices = services => services.Replace(ServiceDescriptor.Singleton<IIndexStore>(sp =>
                new ResilientIndexStore(slow, sp.GetRequiredService<StoreResilience>(), sp.GetRequiredService<NearCache>()))),
        };
        var client = factory.CreateClient(factory.CreateChannel());

        SuggestResponse? response = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            response = await client.SuggestAsync(new SuggestRequest { Prefix = "ip" });
            if (response.Metadata.IndexVersion == "slow-v1")
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal("slow-v1", response?.Metadata.IndexVersion);
        Assert.Equal(["iphone 15", "ipad pro"], response!.Items.Select(static i => i.Text));
        // Every poll before the load finished timed out (600 ms against 50 ms) and went on with the same snapshot.
        Assert.Equal(1, slow.Opened);
    }
}
