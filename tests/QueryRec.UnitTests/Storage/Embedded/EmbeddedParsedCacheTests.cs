using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Storage.Embedded;

/// <summary>
/// The embedded store hands out one parsed message per record and version (bounded), and the pruned-node filter is
/// remembered per ancestor message: neither ever answers a read of one version with another version's contents.
/// </summary>
public sealed class EmbeddedParsedCacheTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 15, 0, 0, TimeSpan.Zero);

    private static PrefixNode Node(params string[] texts)
    {
        var node = new PrefixNode();
        for (var i = 0; i < texts.Length; i++)
        {
            node.Completions.Add(new Completion { Text = texts[i], Score = texts.Length - i });
        }

        return node;
    }

    private static IndexBuild Build(string version, PrefixNode a)
        => IndexBuild.Create(version, T0, "test", [
            new IndexRecord(IndexKeys.Info, new IndexInfo { CompleteNodesPruned = true, MaxPrefixLength = 8 }.ToByteArray()),
            new IndexRecord(IndexKeys.Completions(CompletionTable.Prefix, "a"), a.ToByteArray()),
        ]);

    private static string[] Texts(PrefixNode? node) => node is null ? [] : [.. node.Completions.Select(static c => c.Text)];

    [Fact]
    public async Task Read_SameRecordSameVersion_IsOneParsedMessageEqualToItsBytes()
    {
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(Build("v1", Node("apple", "avocado")));
        var first = await store.OpenSnapshot("v1").GetCompletionNodeAsync(CompletionTable.Prefix, "a");
        var second = await store.OpenSnapshot("v1").GetPrefixNodeAsync("a");

        Assert.Same(first, second);
        Assert.Equal(Node("apple", "avocado"), first);
        Assert.Equal(1, store.ParsedRecords("v1")); // the node only: the info was not read
    }

    [Fact]
    public async Task Read_SameKeyTwoVersions_EachVersionItsOwnContents()
    {
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(Build("v1", Node("apple", "avocado")));
        var v1 = store.OpenSnapshot("v1");
        var old = await v1.GetPrefixNodeAsync("a");
        await store.PublishAsync(Build("v2", Node("apricot", "apex")));
        var v2 = store.OpenSnapshot("v2");

        Assert.Equal(["apricot", "apex"], Texts(await v2.GetPrefixNodeAsync("a")));
        Assert.Equal(["apple", "avocado"], Texts(await v1.GetPrefixNodeAsync("a")));
        Assert.Same(old, await v1.GetPrefixNodeAsync("a"));
        Assert.NotSame(old, await v2.GetPrefixNodeAsync("a"));
    }

    [Fact]
    public async Task ReadNode_PrunedKey_FilteredPerVersion_AndRepeatedReadsAgree()
    {
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(Build("v1", Node("apple", "avocado", "apricot")));
        await store.PublishAsync(Build("v2", Node("apex", "axe")));
        var v1 = store.OpenSnapshot("v1");
        var v2 = store.OpenSnapshot("v2");
        var info1 = (await v1.GetInfoAsync())!;
        var info2 = (await v2.GetInfoAsync())!;

        for (var round = 0; round < 3; round++)
        {
            Assert.Equal(["apple", "apricot"], Texts(await CompletionNodes.ReadNodeAsync(v1, CompletionTable.Prefix, "ap", info1, default)));
            Assert.Equal(["apex"], Texts(await CompletionNodes.ReadNodeAsync(v2, CompletionTable.Prefix, "ap", info2, default)));
            Assert.Null(await CompletionNodes.ReadNodeAsync(v2, CompletionTable.Prefix, "apr", info2, default));
            var batched = await CompletionNodes.ReadNodesAsync(v1, CompletionTable.Prefix, ["apr", "av", "aq"], info1, default);
            Assert.Equal(["apricot"], Texts(batched[0]));
            Assert.Equal(["avocado"], Texts(batched[1]));
            Assert.Null(batched[2]);
        }
    }

    [Fact]
    public async Task Read_PastTheCapacity_ParsesPerReadAndStaysCorrect()
    {
        var count = EmbeddedIndexStore.ParsedCapacity + 100;
        var records = Enumerable.Range(0, count)
            .Select(static i => new IndexRecord(IndexKeys.Query("q" + i), new QueryStats { Count = i + 1 }.ToByteArray()));
        var store = new EmbeddedIndexStore();
        await store.PublishAsync(IndexBuild.Create("big", T0, "test", records));
        var snapshot = store.OpenSnapshot("big");

        for (var i = 0; i < count; i++)
        {
            Assert.Equal((long)(i + 1), (await snapshot.GetQueryStatsAsync("q" + i))!.Count);
        }

        Assert.Equal(EmbeddedIndexStore.ParsedCapacity, store.ParsedRecords("big"));
        var held = await snapshot.GetQueryStatsAsync("q0");
        var notHeld = await snapshot.GetQueryStatsAsync("q" + (count - 1));
        Assert.Same(held, await snapshot.GetQueryStatsAsync("q0"));
        Assert.NotSame(notHeld, await snapshot.GetQueryStatsAsync("q" + (count - 1)));
        Assert.Equal((long)count, (await snapshot.GetQueryStatsAsync("q" + (count - 1)))!.Count);
        Assert.Null(await snapshot.GetQueryStatsAsync("absent"));
    }
}
