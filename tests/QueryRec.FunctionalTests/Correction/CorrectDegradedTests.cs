using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.V1;

namespace QueryRec.FunctionalTests.Correction;

/// <summary>Correct degrades instead of failing: no index, a store that fails, a typo trie still building.</summary>
public sealed class CorrectDegradedTests
{
    private static readonly CorrectRequest Typo = new() { Query = "headphnoes", Stage = Stage.Browsing };

    private static async Task<(QueryRecFactory Factory, QueryRecService.QueryRecServiceClient Client)> HostAsync(Func<IIndexStore, IIndexStore> wrap)
    {
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(CorrectionHost.BuildIndex());
        var factory = new QueryRecFactory(new()
        {
            ["QueryRec:Store:IndexPath"] = "",
            ["QueryRec:Store:PollInterval"] = "00:00:00.050",
            ["QueryRec:Strategies:RecallBudget"] = "00:00:05",
        })
        {
            TestServices = services => services.Replace(ServiceDescriptor.Singleton(wrap(store))),
        };
        return (factory, factory.CreateClient(factory.CreateChannel()));
    }

    private static async Task<CorrectResponse> CorrectOnceLoadedAsync(QueryRecService.QueryRecServiceClient client)
    {
        for (var i = 0; i < 200; i++)
        {
            var response = await client.CorrectAsync(Typo);
            if (response.Metadata.IndexVersion.Length > 0)
            {
                return response;
            }

            await Task.Delay(25);
        }

        throw new TimeoutException("the index never loaded.");
    }

    [Fact]
    public async Task NoIndex_AnswersNoCorrectionDegraded()
    {
        using var factory = new QueryRecFactory(new() { ["QueryRec:Store:IndexPath"] = "" });
        var client = factory.CreateClient(factory.CreateChannel());

        var response = await client.CorrectAsync(Typo);

        Assert.Null(response.Correction);
        Assert.Equal(["index_unavailable"], response.Metadata.DegradedReasons);
    }

    [Fact]
    public async Task StoreFails_AnswersNoCorrectionDegraded()
    {
        var (factory, client) = await HostAsync(static inner => new FailingCorrectionsStore(inner));
        using var _ = factory;

        var response = await CorrectOnceLoadedAsync(client);

        Assert.Null(response.Correction);
        Assert.Contains("source_error:correction", response.Metadata.DegradedReasons);
    }

    [Fact]
    public async Task TypoTrieStillBuilding_AnswersWithoutItDegraded()
    {
        var (factory, client) = await HostAsync(static inner => new GatedIndexStore(inner));
        using var _ = factory;

        var response = await CorrectOnceLoadedAsync(client);

        Assert.Null(response.Correction); // "headphnoes" is found only by the typo trie
        Assert.Equal(["source_unavailable:fuzzy"], response.Metadata.DegradedReasons);
    }

    /// <summary>An index store whose mined-correction reads throw, as a store that breaks mid-call.</summary>
    private sealed class FailingCorrectionsStore(IIndexStore inner) : IIndexStore
    {
        public string Name => inner.Name;

        public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default) => inner.GetActiveVersionAsync(cancellationToken);

        public IIndexSnapshot OpenSnapshot(string version) => new Snapshot(inner.OpenSnapshot(version));

        public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default) => inner.SubscribeAsync(onAnnounced, cancellationToken);

        private sealed class Snapshot(IIndexSnapshot inner) : ForwardingIndexSnapshot(inner)
        {
            public override ValueTask<QueryCorrection?> GetCorrectionAsync(string normalizedQuery, CancellationToken cancellationToken = default)
                => throw new InvalidOperationException("store down");
        }
    }
}
