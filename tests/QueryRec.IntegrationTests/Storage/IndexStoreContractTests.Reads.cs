using Google.Protobuf;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using V1 = QueryRec.Storage.V1;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>The contract: what a snapshot reads back of a published version, and null for what it does not hold.</summary>
public abstract partial class IndexStoreContractTests
{
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
        var correction = new V1.QueryCorrection { Text = "gear", Kind = 1, Sessions = 3, SourceSessions = 4, Distance = 1, QueryCount = 5 };
        var records = TestIndexes.Build("v1").Records.Concat(
        [
            new IndexRecord(IndexKeys.Related("gear"), related.ToByteArray()),
            new IndexRecord(IndexKeys.Refinements("gear"), refinements.ToByteArray()),
            new IndexRecord(IndexKeys.Item("sku 1"), items.ToByteArray()),
            new IndexRecord(IndexKeys.Hot(IndexKeys.GlobalCategory), hot.ToByteArray()),
            new IndexRecord(IndexKeys.Trending("tools"), trending.ToByteArray()),
            new IndexRecord(IndexKeys.Pins, pins.ToByteArray()),
            new IndexRecord(IndexKeys.Correction("geer"), correction.ToByteArray()),
        ]).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        await sut.Admin.PublishAsync(IndexBuild.Create("v2", TestIndexes.CreatedAt, "lists", records));

        var snapshot = sut.Store.OpenSnapshot("v2");

        Assert.Equal(related, await snapshot.GetRelatedQueriesAsync("gear"));
        Assert.Equal(refinements, await snapshot.GetRefinementsAsync("gear"));
        Assert.Equal(items, await snapshot.GetItemQueriesAsync("sku 1"));
        Assert.Equal(hot, await snapshot.GetHotAsync(IndexKeys.GlobalCategory));
        Assert.Equal(trending, await snapshot.GetTrendingAsync("tools"));
        Assert.Equal(pins, await snapshot.GetPinsAsync());
        Assert.Equal(correction, await snapshot.GetCorrectionAsync("geer"));
        Assert.Null(await snapshot.GetCorrectionAsync("gear"));
        Assert.Null(await snapshot.GetRelatedQueriesAsync("gearbox"));
        Assert.Null(await snapshot.GetRefinementsAsync("gearbox"));
        Assert.Null(await snapshot.GetItemQueriesAsync("sku 2"));
        Assert.Null(await snapshot.GetHotAsync("tools"));
        Assert.Null(await snapshot.GetTrendingAsync(IndexKeys.GlobalCategory));
    }

    [Fact]
    public async Task GetNearDuplicateFoldsAsync_BuildWithSpacingVariants_ReadsTheFoldsBackAndNullPastTheEnd()
    {
        var sut = CreateStore();
        var events = new List<LogEvent>();
        foreach (var (query, users) in new[] { ("smartwatch", 6), ("smart watch", 4) })
        {
            for (var u = 0; u < users; u++)
            {
                var at = TestIndexes.CreatedAt.AddMinutes(events.Count);
                events.Add(new LogEvent(LogEventType.Search, query + u, query, at));
                events.Add(new LogEvent(LogEventType.Click, query + u, query, at.AddSeconds(5), "sku", "wearables"));
            }
        }

        await sut.Admin.PublishAsync(IndexBuilder.Build(events, new BuildOptions { Version = "v1" }, Time).Build);
        await sut.Admin.PublishAsync(TestIndexes.Build("v0"));
        var snapshot = sut.Store.OpenSnapshot("v1");

        var info = await snapshot.GetInfoAsync();
        var folds = await snapshot.GetNearDuplicateFoldsAsync(0);

        Assert.Equal(1, info!.NearDuplicateFoldChunks);
        Assert.Equal(new V1.NearDuplicateFold { Text = "smart watch", Key = "smartwatch", Shown = "smartwatch" }, Assert.Single(folds!.Folds));
        Assert.Null(await snapshot.GetNearDuplicateFoldsAsync(1));
        Assert.Null(await sut.Store.OpenSnapshot("v0").GetNearDuplicateFoldsAsync(0));
    }

    [Fact]
    public async Task GetQueryStatsAsync_UnknownQuery_ReturnsNull()
    {
        var sut = CreateStore();
        await sut.Admin.PublishAsync(TestIndexes.Build("v1"));

        var stats = await sut.Store.OpenSnapshot("v1").GetQueryStatsAsync("gearbox");

        Assert.Null(stats);
    }
}
