using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;
using QueryRec.IntegrationTests.Storage;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace QueryRec.IntegrationTests.Cluster;

/// <summary>
/// Every operation of the index store and the model store on a real three-master Redis Cluster: publish (write,
/// read-back validation, flip script, announcement, retention), the publish lock, cleanup after a cancelled publish,
/// every snapshot read, status, export, rollback, and the model pointer scripts. A CROSSSLOT error, or a MOVED/ASK
/// the client did not follow, surfaces as an exception and fails the test. The publisher and the reader use separate
/// connections, opened from the seed list as the indexer and the server do.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterIndexStoreTests(RedisClusterFixture cluster, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = RedisServerFixture.NewKeyPrefix();
    private IConnectionMultiplexer? _publisher;

    private IConnectionMultiplexer Publisher => _publisher!;

    public async Task InitializeAsync()
    {
        await cluster.FlushAllAsync();
        _publisher = await RedisConnection.ConnectAsync(cluster.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }
    }

    /// <summary>The smallest bucket the options allow: the small test index then spans enough keys to reach every master.</summary>
    internal const int MinimumBucketBytes = 256;

    private RedisIndexStore Store(IConnectionMultiplexer redis) => new(redis, new RedisIndexOptions { KeyPrefix = _prefix, RetainVersions = 2, WriteBatchSize = 64, BucketBytes = MinimumBucketBytes }, _time);

    [Fact]
    public async Task IndexStore_EveryOperation_RunsOnTheCluster()
    {
        var publisher = Store(Publisher);
        var reader = Store(cluster.Redis);
        var announced = new ConcurrentQueue<string>();
        await reader.SubscribeAsync(announced.Enqueue);
        var v1 = await ClusterBuilds.BuildAsync("c-v1");
        var v2 = await ClusterBuilds.BuildAsync("c-v2");
        var v3 = await ClusterBuilds.BuildAsync("c-v3");

        // Publish: catalog, records, read-back validation, manifest, flip script, announcement.
        var phases = new List<string>();
        var first = await publisher.PublishAsync(v1, new SyncProgress(p => phases.Add(p.Phase)));
        Assert.Equal(("c-v1", null, (long)v1.Records.Count), (first.Version, first.PreviousVersion, first.RecordsWritten));
        Assert.Empty(first.Warnings ?? []);
        Assert.Contains("write", phases);
        Assert.Contains("validate", phases);
        await UntilAnnouncedAsync(announced, "c-v1");
        Assert.Equal("c-v1", await reader.GetActiveVersionAsync());

        // Every record reads back through the snapshot, one getter per kind; the completion tables also in one multi-key read.
        await AssertSnapshotServesAsync(reader.OpenSnapshot("c-v1"), v1);

        // The publish lock: a second publisher is refused while the first one writes.
        var contender = Store(cluster.Redis);
        Exception? refused = null;
        var second = await publisher.PublishAsync(v2, new SyncProgress(p =>
        {
            if (p.Phase == "write" && refused is null)
            {
                refused = Assert.ThrowsAsync<InvalidOperationException>(() => contender.PublishAsync(v3)).GetAwaiter().GetResult();
            }
        }));
        Assert.NotNull(refused);
        Assert.Contains("Another publish is in progress", refused.Message, StringComparison.Ordinal);
        Assert.Equal(("c-v2", "c-v1"), (second.Version, second.PreviousVersion));
        await UntilAnnouncedAsync(announced, "c-v2");
        var keysWithTwoVersions = (await cluster.KeysPerMasterAsync()).Sum();

        // A cancelled publish leaves the active version alone; the retry cleans its leftovers up through the catalog.
        using (var cts = new CancellationTokenSource())
        {
            var cancelWhenValidating = new SyncProgress(p =>
            {
                if (p.Phase == "validate")
                {
                    cts.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publisher.PublishAsync(v3, cancelWhenValidating, cts.Token));
        }

        Assert.Equal("c-v2", await reader.GetActiveVersionAsync());

        // Retention (RetainVersions = 2): publishing v3 deletes v1, on every master.
        var third = await publisher.PublishAsync(v3);
        Assert.Equal(["c-v1"], third.DeletedVersions);
        Assert.Empty(third.Warnings ?? []);
        Assert.Null(await reader.OpenSnapshot("c-v1").GetInfoAsync());
        Assert.Null(await reader.OpenSnapshot("c-v1").GetRankingModelAsync());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => reader.ReadBuildAsync("c-v1"));
        Assert.Equal(keysWithTwoVersions, (await cluster.KeysPerMasterAsync()).Sum());
        await AssertSnapshotServesAsync(reader.OpenSnapshot("c-v3"), v3);

        // Status and export.
        var status = await reader.GetStatusAsync();
        Assert.Equal("c-v3", status.ActiveVersion);
        Assert.Equal(["c-v3", "c-v2"], status.Versions.Select(v => v.Version));
        Assert.All(status.Versions, v => Assert.Equal(v1.Records.Count, v.TotalRecords));
        var exported = await reader.ReadBuildAsync("c-v2");
        Assert.Equal(v2.Manifest.Checksum, exported.Manifest.Checksum);
        Assert.Equal(v2.Records.Select(r => r.Key), exported.Records.Select(r => r.Key));

        // Rollback (script over the control keys), announced; to a version no longer retained is refused.
        Assert.Equal("c-v2", await publisher.RollbackAsync());
        Assert.Equal("c-v2", await reader.GetActiveVersionAsync());
        await UntilAnnouncedAsync(announced, "c-v2", occurrences: 2);
        Assert.Equal("c-v3", await publisher.RollbackAsync("c-v3"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.RollbackAsync("c-v1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync(v2));
        Assert.Equal("c-v3", await reader.GetActiveVersionAsync());
    }

    [Fact]
    public async Task ModelStore_EveryOperation_RunsOnTheCluster()
    {
        var store = new RedisModelStore(Publisher, _prefix, _time);
        var reader = new RedisModelStore(cluster.Redis, _prefix, _time);
        var ids = new List<string>();
        for (var n = 1; n <= 3; n++)
        {
            var result = await store.PublishAsync(ClusterBuilds.Model(n), retain: 2);
            Assert.Null(result.Warning);
            ids.Add(result.Id);
        }

        Assert.Equal(ids[2], await reader.GetActiveModelIdAsync());
        Assert.Equal(ClusterBuilds.Model(3), await reader.GetModelAsync(ids[2]));
        Assert.Null(await reader.GetModelAsync(ids[0]));
        var status = await reader.GetStatusAsync();
        Assert.Equal([ids[2], ids[1]], status.Models.Select(m => m.Id));

        Assert.Equal(ids[1], await store.RollbackAsync());
        Assert.Equal(ids[1], await reader.GetActiveModelIdAsync());
        Assert.Equal(ids[2], await store.RollbackAsync(ids[2]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RollbackAsync(ids[0]));
        Assert.Equal(ids[2], await store.ClearAsync());
        Assert.Null(await reader.GetActiveModelIdAsync());
    }

    [Fact]
    public async Task PublishedVersion_SpreadsItsKeysOverEveryMaster()
    {
        var build = await ClusterBuilds.BuildAsync("c-spread");
        await Store(Publisher).PublishAsync(build);

        var perMaster = await cluster.KeysPerMasterAsync();
        var total = perMaster.Sum();
        output.WriteLine($"{build.Records.Count} records, {total} keys; per master: {string.Join(", ", perMaster)}.");
        Assert.True(total >= 100, $"Only {total} keys were written; the spread check needs a real index.");
        Assert.All(perMaster, count => Assert.InRange(count, 1, (long)(total * 0.6)));
    }

    private static async Task UntilAnnouncedAsync(ConcurrentQueue<string> announced, string version, int occurrences = 1)
    {
        var end = DateTime.UtcNow + Deadline;
        while (announced.Count(v => v == version) < occurrences)
        {
            Assert.True(DateTime.UtcNow < end, $"The announcement of {version} did not reach the subscriber; got [{string.Join(", ", announced)}].");
            await Task.Delay(20);
        }
    }

    /// <summary>Reads every record of <paramref name="build"/> through the snapshot and compares it with what was built.</summary>
    private static async Task AssertSnapshotServesAsync(IIndexSnapshot snapshot, IndexBuild build)
    {
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in build.Records)
        {
            var kind = IndexKeys.KindOf(record.Key);
            kinds.Add(kind);
            var (actual, expected) = await ReadAsync(snapshot, record);
            Assert.True(actual is not null, $"Record {record.Key} is missing from the snapshot.");
            Assert.Equal(expected, actual);
        }

        // Builder output kinds that must be present for this test to mean something.
        Assert.Superset(new HashSet<string> { IndexKeys.PrefixKind, IndexKeys.QueryKind, IndexKeys.InfoKind, IndexKeys.InfixKind, IndexKeys.VocabularyKind, IndexKeys.RelatedKind, IndexKeys.DiscoveryRelatedKind, IndexKeys.ItemKind, IndexKeys.HotKind, IndexKeys.ModelKind }, kinds);

        foreach (var (table, kind) in new[] { (CompletionTable.Prefix, IndexKeys.PrefixKind), (CompletionTable.Infix, IndexKeys.InfixKind), (CompletionTable.PinyinFull, IndexKeys.PinyinFullKind) })
        {
            var keys = build.Records.Where(r => IndexKeys.KindOf(r.Key) == kind).Select(r => r.Key[(kind.Length + 1)..]).Take(300).Append("no-such-key").ToList();
            var nodes = await snapshot.GetCompletionNodesAsync(table, keys);
            Assert.Equal(keys.Count, nodes.Count);
            Assert.All(nodes.Take(keys.Count - 1), n => Assert.NotNull(n));
            Assert.Null(nodes[^1]);
        }
    }

    private static async Task<(IMessage? Actual, IMessage Expected)> ReadAsync(IIndexSnapshot snapshot, IndexRecord record)
    {
        var kind = IndexKeys.KindOf(record.Key);
        var rest = record.Key.Length > kind.Length ? record.Key[(kind.Length + 1)..] : string.Empty;
        var value = record.Value;
        return kind switch
        {
            IndexKeys.PrefixKind => (await snapshot.GetPrefixNodeAsync(rest), PrefixNode.Parser.ParseFrom(value)),
            IndexKeys.InfixKind => (await snapshot.GetCompletionNodeAsync(CompletionTable.Infix, rest), PrefixNode.Parser.ParseFrom(value)),
            IndexKeys.PinyinFullKind => (await snapshot.GetCompletionNodeAsync(CompletionTable.PinyinFull, rest), PrefixNode.Parser.ParseFrom(value)),
            IndexKeys.PinyinInitialsKind => (await snapshot.GetCompletionNodeAsync(CompletionTable.PinyinInitials, rest), PrefixNode.Parser.ParseFrom(value)),
            IndexKeys.QueryKind => (await snapshot.GetQueryStatsAsync(rest), QueryStats.Parser.ParseFrom(value)),
            IndexKeys.InfoKind => (await snapshot.GetInfoAsync(), IndexInfo.Parser.ParseFrom(value)),
            IndexKeys.RelatedKind => (await snapshot.GetRelatedQueriesAsync(rest), RelatedQueries.Parser.ParseFrom(value)),
            IndexKeys.RefinementKind => (await snapshot.GetRefinementsAsync(rest), RelatedQueries.Parser.ParseFrom(value)),
            IndexKeys.DiscoveryRelatedKind => (await snapshot.GetDiscoveryRelatedAsync(rest), RelatedQueries.Parser.ParseFrom(value)),
            IndexKeys.ItemKind => (await snapshot.GetItemQueriesAsync(rest), ItemQueries.Parser.ParseFrom(value)),
            IndexKeys.CorrectionKind => (await snapshot.GetCorrectionAsync(rest), QueryCorrection.Parser.ParseFrom(value)),
            IndexKeys.HotKind => (await snapshot.GetHotAsync(rest), RankedQueries.Parser.ParseFrom(value)),
            IndexKeys.TrendingKind => (await snapshot.GetTrendingAsync(rest), RankedQueries.Parser.ParseFrom(value)),
            IndexKeys.PinKind => (await snapshot.GetPinsAsync(), PinList.Parser.ParseFrom(value)),
            IndexKeys.VocabularyKind => (await snapshot.GetVocabularyChunkAsync(int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture)), VocabularyChunk.Parser.ParseFrom(value)),
            IndexKeys.ModelKind => (await snapshot.GetRankingModelAsync(), RankingModelPackage.Parser.ParseFrom(value)),
            IndexKeys.NearDuplicateFoldKind => (await snapshot.GetNearDuplicateFoldsAsync(int.Parse(rest, System.Globalization.CultureInfo.InvariantCulture)), NearDuplicateFolds.Parser.ParseFrom(value)),
            _ => throw new Xunit.Sdk.XunitException($"Record kind '{kind}' ({record.Key}) has no snapshot getter in this test: add it."),
        };
    }
}
