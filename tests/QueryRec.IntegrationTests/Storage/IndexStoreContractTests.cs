using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.Redis;
using V1 = QueryRec.Storage.V1;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>A store under test, seen through both of its interfaces.</summary>
public sealed record StoreUnderTest(IIndexStore Store, IIndexAdmin Admin);

/// <summary>
/// The contract every index store keeps (DESIGN §3). Runs against the embedded store and a real Redis.
/// </summary>
public abstract class IndexStoreContractTests
{
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected abstract StoreUnderTest CreateStore(int retainVersions = 3);

    [Fact]
    public async Task GetActiveVersionAsync_NothingPublished_ReturnsNull()
    {
        var sut = CreateStore();

        var active = await sut.Store.GetActiveVersionAsync();

        Assert.Null(active);
    }

    [Fact]
    public async Task PublishAsync_FirstVersion_ActivatesItAndServesPrefixNodes()
    {
        var sut = CreateStore();
        var build = TestIndexes.Build("v1", count: 42);

        var result = await sut.Admin.PublishAsync(build);
        var node = await sut.Store.OpenSnapshot("v1").GetPrefixNodeAsync("ge");

        Assert.Equal(("v1", null, (long)build.Records.Count), (result.Version, result.PreviousVersion, result.RecordsWritten));
        Assert.Empty(result.DeletedVersions);
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
        Assert.NotNull(node);
        var completion = Assert.Single(node.Completions);
        Assert.Equal("gear", completion.Text);
        Assert.Equal(42, completion.Count);
    }

    [Fact]
    public async Task GetPrefixNodeAsync_MissingPrefix_ReturnsNull()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        var node = await sut.Store.OpenSnapshot("v1").GetPrefixNodeAsync("gx");

        Assert.Null(node);
    }

    /// <summary>
    /// A real build: "red dress" ×3, "blue dress" ×2, "连衣裙长款" ×1 (all kept), default matching options, every node
    /// written (these tests read the store's raw nodes; pruned reads: CompletionNodes).
    /// </summary>
    private IndexBuild MatchingBuild(string version)
    {
        var t0 = new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);
        var events = new (string Query, int Count)[] { ("red dress", 3), ("blue dress", 2), ("连衣裙长款", 1) }
            .SelectMany(q => Enumerable.Range(0, q.Count).Select(i => new LogEvent(LogEventType.Search, q.Query + "#u", q.Query, t0.AddSeconds(i))));
        return IndexBuilder.Build(events, new BuildOptions { MinCount = 1, Version = version, PruneCompleteNodes = false }, Time).Build;
    }

    private static string[] Texts(V1.PrefixNode? node)
    {
        Assert.NotNull(node);
        return [.. node.Completions.Select(c => c.Text)];
    }

    [Fact]
    public async Task GetCompletionNodesAsync_PublishedBuild_AlignsNodesWithKeysAndNullsTheAbsent()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(MatchingBuild("v1"));

        var nodes = await sut.Store.OpenSnapshot("v1").GetCompletionNodesAsync(CompletionTable.Infix, ["dress", "nothing", "长款", "dr", "red"]);

        Assert.Equal(5, nodes.Count);
        Assert.Equal(["red dress", "blue dress"], Texts(nodes[0]));
        Assert.Null(nodes[1]);
        Assert.Equal(["连衣裙长款"], Texts(nodes[2]));
        Assert.Equal(["red dress", "blue dress"], Texts(nodes[3]));
        Assert.Null(nodes[4]); // "red" starts its query: in the prefix table only
    }

    [Fact]
    public async Task GetCompletionNodeAsync_PrefixAndInfixTables_AreSeparate()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(MatchingBuild("v1"));
        var snapshot = sut.Store.OpenSnapshot("v1");

        var prefix = await snapshot.GetCompletionNodeAsync(CompletionTable.Prefix, "red");
        var infix = await snapshot.GetCompletionNodeAsync(CompletionTable.Infix, "red");
        var dressAsPrefix = await snapshot.GetCompletionNodeAsync(CompletionTable.Prefix, "dress");

        Assert.Equal(["red dress"], Texts(prefix));
        Assert.Null(infix);
        Assert.Null(dressAsPrefix);
    }

    [Fact]
    public async Task GetCompletionNodesAsync_PinyinTables_ReadOnlyTheirOwnKind()
    {
        var sut = CreateStore();
        var node = new V1.PrefixNode { Completions = { new V1.Completion { Text = "连衣裙", Score = 3, Count = 3, TopCategories = { "dresses", "skirts" } } } };
        var build = IndexBuild.Create("v1", Time.GetUtcNow(), "pinyin", [
            new IndexRecord(IndexKeys.Completions(CompletionTable.PinyinFull, "lian"), node.ToByteArray()),
            new IndexRecord(IndexKeys.Completions(CompletionTable.PinyinInitials, "lyq"), node.ToByteArray()),
        ]);
        await sut.Admin.PublishAsync(build);
        var snapshot = sut.Store.OpenSnapshot("v1");

        var full = await snapshot.GetCompletionNodesAsync(CompletionTable.PinyinFull, ["lian", "lyq"]);
        var initials = await snapshot.GetCompletionNodesAsync(CompletionTable.PinyinInitials, ["lian", "lyq"]);

        Assert.Equal(node, full[0]);
        Assert.Null(full[1]);
        Assert.Null(initials[0]);
        Assert.Equal(["dresses", "skirts"], initials[1]!.Completions[0].TopCategories);
    }

    [Fact]
    public async Task GetCompletionNodesAsync_NoKeys_ReturnsEmpty()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(MatchingBuild("v1"));

        var nodes = await sut.Store.OpenSnapshot("v1").GetCompletionNodesAsync(CompletionTable.PinyinFull, []);

        Assert.Empty(nodes);
    }

    [Fact]
    public async Task GetVocabularyChunkAsync_PublishedBuild_ReturnsTextsMostPopularFirstAndNullPastTheEnd()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(MatchingBuild("v1"));
        var snapshot = sut.Store.OpenSnapshot("v1");

        var info = await snapshot.GetInfoAsync();
        var first = await snapshot.GetVocabularyChunkAsync(0);
        var past = await snapshot.GetVocabularyChunkAsync(1);

        Assert.Equal(1, info!.VocabularyChunks);
        Assert.Equal(["red dress", "blue dress", "连衣裙长款"], first!.Texts);
        Assert.Null(past);
    }

    [Fact]
    public async Task GetVocabularyChunkAsync_SeveralChunks_ReadBackInOrder()
    {
        var sut = CreateStore();
        var records = Enumerable.Range(0, 3)
            .Select(n => new IndexRecord(IndexKeys.Vocabulary(n), new V1.VocabularyChunk { Texts = { $"chunk {n} a", $"chunk {n} b" } }.ToByteArray()))
            .ToList();
        await sut.Admin.PublishAsync(IndexBuild.Create("v1", Time.GetUtcNow(), "vocabulary", records));
        var snapshot = sut.Store.OpenSnapshot("v1");

        var chunks = new List<string>();
        for (var n = 0; await snapshot.GetVocabularyChunkAsync(n) is { } chunk; n++)
        {
            chunks.AddRange(chunk.Texts);
        }

        Assert.Equal(["chunk 0 a", "chunk 0 b", "chunk 1 a", "chunk 1 b", "chunk 2 a", "chunk 2 b"], chunks);
    }

    [Fact]
    public async Task GetQueryStatsAsync_PublishedQuery_ReturnsStats()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 7));

        var stats = await sut.Store.OpenSnapshot("v1").GetQueryStatsAsync("gear");

        Assert.Equal(TestIndexes.Stats("gear", 7), stats);
    }

    [Fact]
    public async Task ListReads_PublishedRecordsOfEveryKind_RoundTripAndMissingAreNull()
    {
        var sut = CreateStore();
        var related = new V1.RelatedQueries { Queries = { new V1.RelatedQuery { Text = "gears of war", Score = 3.8, Count = 2 } } };
        var refinements = new V1.RelatedQueries { Queries = { new V1.RelatedQuery { Text = "gear box", Score = 2, Count = 5, Ctr = 0.5 } } };
        var items = new V1.ItemQueries { Queries = { new V1.ItemQuery { Text = "gear", Weight = 8, Clicks = 2, Carts = 1, Orders = 1 } } };
        var hot = new V1.RankedQueries { Queries = { new V1.RankedQuery { Text = "gear", Score = 4, Count = 4 } } };
        var trending = new V1.RankedQueries { Queries = { new V1.RankedQuery { Text = "gear", Score = 2.5, Count = 17, RecentCount = 10, BaselineCount = 7 } } };
        var pins = new V1.PinList { Pins = { new V1.Pin { Text = "gear", Category = "tools" } } };
        var records = TestIndexes.Build("v1").Records.Concat(
        [
            new IndexRecord(IndexKeys.Related("gear"), related.ToByteArray()),
            new IndexRecord(IndexKeys.Refinements("gear"), refinements.ToByteArray()),
            new IndexRecord(IndexKeys.Item("sku 1"), items.ToByteArray()),
            new IndexRecord(IndexKeys.Hot(IndexKeys.GlobalCategory), hot.ToByteArray()),
            new IndexRecord(IndexKeys.Trending("tools"), trending.ToByteArray()),
            new IndexRecord(IndexKeys.Pins, pins.ToByteArray()),
        ]).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        await sut.Admin.PublishAsync(IndexBuild.Create("v2", TestIndexes.CreatedAt, "lists", records));

        var snapshot = sut.Store.OpenSnapshot("v2");

        Assert.Equal(related, await snapshot.GetRelatedQueriesAsync("gear"));
        Assert.Equal(refinements, await snapshot.GetRefinementsAsync("gear"));
        Assert.Equal(items, await snapshot.GetItemQueriesAsync("sku 1"));
        Assert.Equal(hot, await snapshot.GetHotAsync(IndexKeys.GlobalCategory));
        Assert.Equal(trending, await snapshot.GetTrendingAsync("tools"));
        Assert.Equal(pins, await snapshot.GetPinsAsync());
        Assert.Null(await snapshot.GetRelatedQueriesAsync("gearbox"));
        Assert.Null(await snapshot.GetRefinementsAsync("gearbox"));
        Assert.Null(await snapshot.GetItemQueriesAsync("sku 2"));
        Assert.Null(await snapshot.GetHotAsync("tools"));
        Assert.Null(await snapshot.GetTrendingAsync(IndexKeys.GlobalCategory));
    }

    [Fact]
    public async Task GetQueryStatsAsync_UnknownQuery_ReturnsNull()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        var stats = await sut.Store.OpenSnapshot("v1").GetQueryStatsAsync("gearbox");

        Assert.Null(stats);
    }

    [Fact]
    public async Task PublishAsync_SecondVersion_FlipsActiveVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 1));

        var result = await sut.Admin.PublishAsync(TestIndexes.Build("v2", count: 2));

        Assert.Equal("v1", result.PreviousVersion);
        Assert.Equal("v2", await sut.Store.GetActiveVersionAsync());
        Assert.Equal(2, (await sut.Store.OpenSnapshot("v2").GetQueryStatsAsync("gear"))?.Count);
    }

    [Fact]
    public async Task OpenSnapshot_OlderRetainedVersion_StillReadsThatVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 1));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2", count: 2));

        var stats = await sut.Store.OpenSnapshot("v1").GetQueryStatsAsync("gear");

        Assert.Equal(1, stats?.Count);
    }

    [Fact]
    public async Task PublishAsync_SameVersionTwice_ThrowsAndKeepsActiveVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 1));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2", count: 2));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.PublishAsync(TestIndexes.Build("v1", count: 3)));

        Assert.Equal("v2", await sut.Store.GetActiveVersionAsync());
        Assert.Equal(1, (await sut.Store.OpenSnapshot("v1").GetQueryStatsAsync("gear"))?.Count);
    }

    [Fact]
    public async Task RollbackAsync_NoTarget_ActivatesPreviousVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));

        var version = await sut.Admin.RollbackAsync();

        Assert.Equal("v1", version);
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_Repeated_WalksBackInPublishOrderUntilNoneLeft()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        var first = await sut.Admin.RollbackAsync();
        var second = await sut.Admin.RollbackAsync();

        Assert.Equal(("v2", "v1"), (first, second));
        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync());
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_NamedVersion_ActivatesThatVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        var version = await sut.Admin.RollbackAsync("v1");

        Assert.Equal("v1", version);
        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_OnlyOneVersion_Throws()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync());

        Assert.Equal("v1", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task RollbackAsync_UnknownVersion_Throws()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync("v9"));

        Assert.Equal("v2", await sut.Store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task PublishAsync_BeyondRetention_DeletesOldestVersion()
    {
        var sut = CreateStore(retainVersions: 2);
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));

        var result = await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        Assert.Equal(["v1"], result.DeletedVersions);
        var status = await sut.Admin.GetStatusAsync();
        Assert.Equal(["v3", "v2"], status.Versions.Select(v => v.Version));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => sut.Admin.ReadBuildAsync("v1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Admin.RollbackAsync("v1"));
    }

    [Fact]
    public async Task GetStatusAsync_ThreeVersions_ListsNewestFirstWithTimesAndCounts()
    {
        var sut = CreateStore();
        var published = new List<DateTimeOffset>();
        foreach (var version in new[] { "v1", "v2", "v3" })
        {
            published.Add(Time.GetUtcNow());
            await sut.Admin.PublishAsync(TestIndexes.Build(version, fillerQueries: 2));
            Time.Advance(TimeSpan.FromMinutes(5));
        }

        var status = await sut.Admin.GetStatusAsync();

        Assert.Equal("v3", status.ActiveVersion);
        Assert.Equal(["v3", "v2", "v1"], status.Versions.Select(v => v.Version));
        Assert.Equal([published[2], published[1], published[0]], status.Versions.Select(v => v.PublishedAt));
        Assert.Equal([true, false, false], status.Versions.Select(v => v.IsActive));
        var newest = status.Versions[0];
        Assert.Equal(TestIndexes.CreatedAt, newest.CreatedAt);
        Assert.Equal(7, newest.TotalRecords);
        Assert.Equal(4, newest.RecordCounts[IndexKeys.PrefixKind]);
        Assert.Equal(3, newest.RecordCounts[IndexKeys.QueryKind]);
    }

    [Fact]
    public async Task GetStatusAsync_AfterRollback_MarksRolledBackVersionActive()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        await sut.Admin.RollbackAsync();

        var status = await sut.Admin.GetStatusAsync();

        Assert.Equal("v1", status.ActiveVersion);
        Assert.Equal([("v2", false), ("v1", true)], status.Versions.Select(v => (v.Version, v.IsActive)));
    }

    [Fact]
    public async Task ReadBuildAsync_PublishedVersion_RoundTripsByteIdentically()
    {
        var sut = CreateStore();
        var build = TestIndexes.Build("v1", fillerQueries: 40);
        await sut.Admin.PublishAsync(build);

        var read = await sut.Admin.ReadBuildAsync("v1");

        Assert.Equal(build.Manifest, read.Manifest);
        Assert.Equal(build.Manifest.Checksum, IndexBuild.ComputeChecksum(read.Records));
        Assert.Equal(build.Records.Select(r => r.Key), read.Records.Select(r => r.Key));
        Assert.All(build.Records.Zip(read.Records), pair => Assert.Equal(pair.First.Value, pair.Second.Value));
    }

    [Fact]
    public async Task ReadBuildAsync_UnknownVersion_ThrowsKeyNotFound()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        await Assert.ThrowsAsync<KeyNotFoundException>(() => sut.Admin.ReadBuildAsync("v2"));
    }

    [Fact]
    public async Task SubscribeAsync_Publish_NotifiesSubscriberWithVersion()
    {
        var sut = CreateStore();
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await sut.Store.SubscribeAsync(version => announced.TrySetResult(version));

        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        Assert.Equal("v1", await announced.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task SubscribeAsync_Rollback_NotifiesSubscriberWithVersion()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));
        await sut.Admin.PublishAsync(TestIndexes.Build("v2"));
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await sut.Store.SubscribeAsync(version => announced.TrySetResult(version));

        await sut.Admin.RollbackAsync();

        Assert.Equal("v1", await announced.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GetRankingModelAsync_EachVersionReadsItsOwnModel_AndExportCarriesIt()
    {
        var sut = CreateStore();
        var a = RankingModelPackages.Create("model-a", "features-v1", [1, 2, 3, 4], """{"model_version": "model-a"}""");
        var b = RankingModelPackages.Create("model-b", "features-v1", [5, 6, 7], """{"model_version": "model-b"}""");
        await sut.Admin.PublishAsync(WithModel(TestIndexes.Build("v1"), a));
        await sut.Admin.PublishAsync(WithModel(TestIndexes.Build("v2"), b));
        await sut.Admin.PublishAsync(TestIndexes.Build("v3"));

        Assert.Equal(a, await sut.Store.OpenSnapshot("v1").GetRankingModelAsync());
        Assert.Equal(b, await sut.Store.OpenSnapshot("v2").GetRankingModelAsync());
        Assert.Null(await sut.Store.OpenSnapshot("v3").GetRankingModelAsync());
        var exported = await sut.Admin.ReadBuildAsync("v1");
        Assert.Equal(a.ToByteArray(), exported.Records.Single(r => r.Key == IndexKeys.Model).Value);
        Assert.Equal(1, exported.Manifest.RecordCounts[IndexKeys.ModelKind]);
    }

    private static IndexBuild WithModel(IndexBuild build, V1.RankingModelPackage model)
        => IndexBuild.Create(build.Version, TestIndexes.CreatedAt, build.Manifest.Description, [.. build.Records, new IndexRecord(IndexKeys.Model, model.ToByteArray())]);
}

/// <summary>The contract against the in-process store.</summary>
public sealed class EmbeddedIndexStoreContractTests : IndexStoreContractTests
{
    protected override StoreUnderTest CreateStore(int retainVersions = 3)
    {
        var store = new EmbeddedIndexStore(retainVersions, Time);
        return new StoreUnderTest(store, store);
    }
}

/// <summary>The contract against a real redis-server, with small batches so every path pipelines several rounds.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisIndexStoreContractTests(RedisServerFixture redis) : IndexStoreContractTests
{
    protected override StoreUnderTest CreateStore(int retainVersions = 3)
    {
        var options = new RedisIndexOptions
        {
            KeyPrefix = RedisServerFixture.NewKeyPrefix(),
            RetainVersions = retainVersions,
            WriteBatchSize = 3,
            CatalogChunkSize = 16,
        };
        var store = new RedisIndexStore(redis.Redis, options, Time);
        return new StoreUnderTest(store, store);
    }
}
