using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.FunctionalTests.Suggest;
using QueryRec.Indexer.Commands;
using QueryRec.Serving.Recall;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Cluster;

/// <summary>
/// The whole path on a real three-master Redis Cluster, as an operator runs it: the indexer CLI (in process) simulates
/// events, builds indexes carrying models trained by our trainer, and publishes them with <c>--redis</c> set to the
/// cluster's seed list; the real host (configured with the same string) answers Suggest, ReportEvents, Discover and
/// GetShadingWords through a gRPC channel; then publish v2, rollback, and retention. The host polls every ten
/// minutes (the maximum), so every index flip it picks up within the test comes from the pub/sub announcement crossing the cluster.
/// </summary>
public sealed class ClusterWholePathTests(RedisClusterFixture cluster, TrainedModelsFixture trained)
    : IClassFixture<RedisClusterFixture>, IClassFixture<TrainedModelsFixture>, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private const int ExposureCap = 2;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-cluster-ft-");
    private readonly string _keyPrefix = RedisServerFixture.NewKeyPrefix();

    public void Dispose() => _dir.Delete(recursive: true);

    private string[] RedisArgs => ["--redis", cluster.ConnectionString, "--key-prefix", _keyPrefix];

    private static async Task<(int Code, string Output)> Cli(params string[] args)
    {
        using var output = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, output);
        return (code, output.ToString());
    }

    private static async Task<string> Ok(params string[] args)
    {
        var (code, output) = await Cli(args);
        Assert.True(code == 0, $"indexer {string.Join(' ', args)} exited {code}: {output}");
        return output;
    }

    private async Task<string> BuildAsync(string events, string version, string? model)
    {
        var output = Path.Combine(_dir.FullName, version + ".qrx");
        string[] args = ["build", "--input", events, "--version", version, "--output", output];
        await Ok(model is null ? args : [.. args, "--model", model]);
        return output;
    }

    private QueryRecFactory Host() => new(new Dictionary<string, string?>
    {
        ["QueryRec:Store:Redis"] = cluster.ConnectionString,
        ["QueryRec:Store:KeyPrefix"] = _keyPrefix,
        ["QueryRec:Store:PollInterval"] = "00:10:00",
        ["QueryRec:Ranking:Model:PollInterval"] = "00:00:00.100",
        ["QueryRec:Strategies:ShadingDailyExposureCap"] = ExposureCap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["QueryRec:Trending:MinDistinctUsers"] = "3",
    });

    [Fact]
    public async Task PublishSuggestEventsDiscoverRollbackRetention_AllRunOnTheCluster()
    {
        var events = Path.Combine(_dir.FullName, "events.jsonl");
        await Ok("simulate", "--output", events, "--users", "150", "--seed", "11");
        var (m1, version1) = trained.Models[0];
        var (m2, version2) = trained.Models[1];
        var v1 = await BuildAsync(events, "cl-v1", m1);
        var v2 = await BuildAsync(events, "cl-v2", m2);
        var v3 = await BuildAsync(events, "cl-v3", model: null);
        var build = IndexFile.ReadFile(v1);

        await Ok(["publish", "--index", v1, "--retain", "2", .. RedisArgs]);
        using var factory = Host();
        var client = factory.CreateClient(factory.CreateChannel());

        // Suggest from v1, ranked by its model, not degraded.
        var stats = build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.QueryKind)
            .Select(r => QueryStats.Parser.ParseFrom(r.Value))
            .Where(s => s.Text.Length >= 4 && s.Text.All(char.IsAsciiLetterLower))
            .OrderByDescending(s => s.Count).ThenBy(s => s.Text, StringComparer.Ordinal)
            .ToList();
        Assert.True(stats.Count >= 20, "The simulated index has too few plain queries for this test.");
        var top = stats[0].Text;
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = top[..3] });
        Assert.Contains(top, response.Items.Select(i => i.Text));
        Assert.Equal(("cl-v1", version1), (response.Metadata.IndexVersion, response.Metadata.ModelVersion));
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));

        // ReportEvents → history: the user's own past query is recalled from the real-time store.
        var user = "cluster-user-" + Guid.NewGuid().ToString("N")[..6];
        var past = stats[19].Text;
        var before = await client.SuggestAsync(new SuggestRequest { Prefix = past[..3], UserId = user });
        Assert.DoesNotContain(before.Items, i => i.Sources.Contains(Source.History));
        await ReportAsync(client, EventType.SearchSubmitted, user, query: past);
        var after = await client.SuggestAsync(new SuggestRequest { Prefix = past[..3], UserId = user });
        var recalled = Assert.Single(after.Items, i => i.Text == past);
        Assert.Contains(Source.History, recalled.Sources);
        Assert.Equal(Reason.SearchedBefore, recalled.Reason);
        Assert.False(after.Metadata.Degraded, string.Join(",", after.Metadata.DegradedReasons));

        // ReportEvents → trending: a query absent from the index, submitted by three users, becomes suggestible.
        const string fresh = "zqx cluster fresh";
        foreach (var submitter in new[] { "t1", "t2", "t3" })
        {
            await ReportAsync(client, EventType.SearchSubmitted, user + submitter, query: fresh);
        }

        await factory.Services.GetRequiredService<TrendingQueries>().RefreshAsync();
        var trending = await client.SuggestAsync(new SuggestRequest { Prefix = "zqx c" });
        Assert.Equal(Source.Trending, Assert.Single(Assert.Single(trending.Items, i => i.Text == fresh).Sources));

        // ReportEvents → fatigue: a shading word shown ExposureCap times today is skipped.
        var words = await client.GetShadingWordsAsync(new GetShadingWordsRequest { UserId = user + "-shade", Limit = 10 });
        Assert.NotEmpty(words.Items);
        Assert.False(words.Metadata.Degraded, string.Join(",", words.Metadata.DegradedReasons));
        var word = words.Items[0].Text;
        for (var i = 0; i < ExposureCap; i++)
        {
            await ReportAsync(client, EventType.SuggestionShown, user + "-shade", query: word);
        }

        var capped = await client.GetShadingWordsAsync(new GetShadingWordsRequest { UserId = user + "-shade", Limit = 10 });
        Assert.DoesNotContain(word, capped.Items.Select(i => i.Text));

        // Discover: hot words for everyone; after viewing an item, its queries (i2q) in the personal and click-back sections.
        var (itemId, itemQueries) = build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.ItemKind)
            .Select(r => (Id: r.Key[(IndexKeys.ItemKind.Length + 1)..], Queries: ItemQueries.Parser.ParseFrom(r.Value).Queries.Select(q => q.Text).ToHashSet(StringComparer.Ordinal)))
            .OrderByDescending(p => p.Queries.Count).ThenBy(p => p.Id, StringComparer.Ordinal)
            .First();
        var viewer = user + "-viewer";
        await ReportAsync(client, EventType.ItemViewed, viewer, itemId: itemId);
        var discover = await client.DiscoverAsync(new DiscoverRequest { UserId = viewer, Stage = Stage.BeforeSearch, Scene = Scene.Home });
        Assert.False(discover.Metadata.Degraded, string.Join(",", discover.Metadata.DegradedReasons));
        Assert.Equal("cl-v1", discover.Metadata.IndexVersion);
        Assert.NotEmpty(discover.Sections.Single(s => s.Kind == SectionKind.Hot).Items);
        var personal = discover.Sections.Single(s => s.Kind == SectionKind.Personal).Items;
        Assert.NotEmpty(personal);
        Assert.All(personal, i => Assert.Contains(i.Text, itemQueries));
        var clickBack = await client.DiscoverAsync(new DiscoverRequest
        {
            UserId = viewer,
            Stage = Stage.Browsing,
            Scene = Scene.Item,
            Context = new PageContext { ItemId = itemId },
            Sections = { SectionKind.ClickBack },
        });
        Assert.NotEmpty(Assert.Single(clickBack.Sections).Items);
        Assert.All(Assert.Single(clickBack.Sections).Items, i => Assert.Contains(i.Text, itemQueries));

        // Publish v2: the announcement flips the host (the poll is ten minutes away), and the model follows the index.
        await Ok(["publish", "--index", v2, "--retain", "2", .. RedisArgs]);
        await Polling.ForIndexAsync(client, "cl-v2", Deadline, top[..3]);
        await UntilModelAsync(client, top[..3], version2);

        // Rollback: the service serves v1 (and its model) again.
        Assert.Contains("cl-v1", await Ok(["rollback", .. RedisArgs]), StringComparison.Ordinal);
        await Polling.ForIndexAsync(client, "cl-v1", Deadline, top[..3]);
        await UntilModelAsync(client, top[..3], version1);

        // Retention: with --retain 2, publishing v3 deletes the oldest inactive version (v1); it can no longer be rolled back to.
        await Ok(["rollback", "--to", "cl-v2", .. RedisArgs]);
        await Polling.ForIndexAsync(client, "cl-v2", Deadline, top[..3]);
        await Ok(["publish", "--index", v3, "--retain", "2", .. RedisArgs]);
        await Polling.ForIndexAsync(client, "cl-v3", Deadline, top[..3]);
        var status = await Ok(["status", .. RedisArgs]);
        Assert.Contains("cl-v3", status, StringComparison.Ordinal);
        Assert.Contains("cl-v2", status, StringComparison.Ordinal);
        Assert.DoesNotContain("cl-v1", status, StringComparison.Ordinal);
        var (code, output) = await Cli(["rollback", "--to", "cl-v1", .. RedisArgs]);
        Assert.NotEqual(0, code);
        Assert.Contains("cl-v1", output, StringComparison.Ordinal);
        var last = await client.SuggestAsync(new SuggestRequest { Prefix = top[..3] });
        Assert.Equal("cl-v3", last.Metadata.IndexVersion);
        Assert.Contains(top, last.Items.Select(i => i.Text));
        Assert.False(last.Metadata.Degraded, string.Join(",", last.Metadata.DegradedReasons));
    }

    [Fact]
    public async Task PublishLock_SecondPublisherIsRefusedWhileTheFirstHoldsIt()
    {
        var events = Path.Combine(_dir.FullName, "events.jsonl");
        await Ok("simulate", "--output", events, "--users", "60", "--seed", "5");
        var index = await BuildAsync(events, "lock-v1", model: null);

        // Hold a publish open (through the store's API, stopped in its write phase) while the CLI tries another one.
        var build = IndexFile.ReadFile(index);
        var store = new QueryRec.Storage.Redis.RedisIndexStore(cluster.Redis, new QueryRec.Storage.Redis.RedisIndexOptions { KeyPrefix = _keyPrefix, WriteBatchSize = 16 });
        (int Code, string Output)? second = null;
        await store.PublishAsync(IndexBuild.Create("lock-v0", DateTimeOffset.UnixEpoch, "held", build.Records), new Progress(p =>
        {
            if (p.Phase == "write" && second is null)
            {
                second = Cli(["publish", "--index", index, .. RedisArgs]).GetAwaiter().GetResult();
            }
        }));

        Assert.NotNull(second);
        Assert.NotEqual(0, second.Value.Code);
        Assert.Contains("Another publish is in progress", second.Value.Output, StringComparison.Ordinal);

        // Once released, the same command succeeds.
        await Ok(["publish", "--index", index, .. RedisArgs]);
        Assert.Contains("lock-v1", await Ok(["status", .. RedisArgs]), StringComparison.Ordinal);
    }

    private static async Task ReportAsync(QueryRecService.QueryRecServiceClient client, EventType type, string userId, string query = "", string itemId = "")
    {
        var response = await client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = Guid.NewGuid().ToString("N"),
                    Type = type,
                    Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                    UserId = userId,
                    Query = query,
                    ItemId = itemId,
                },
            },
        });
        Assert.Equal(1, response.Accepted);
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
    }

    private static async Task UntilModelAsync(QueryRecService.QueryRecServiceClient client, string prefix, string version)
    {
        var end = DateTime.UtcNow + Deadline;
        while (true)
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = prefix });
            if (response.Metadata.ModelVersion == version)
            {
                Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
                return;
            }

            Assert.True(DateTime.UtcNow < end, $"Timed out waiting for model {version}; serving {response.Metadata.ModelVersion}.");
            await Task.Delay(50);
        }
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls back synchronously, in the publishing flow.</summary>
    private sealed class Progress(Action<PublishProgress> onReport) : IProgress<PublishProgress>
    {
        public void Report(PublishProgress value) => onReport(value);
    }
}
