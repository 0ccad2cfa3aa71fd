using System.Diagnostics;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Resilience;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace QueryRec.FunctionalTests.Resilience;

/// <summary>
/// Faults of a real redis-server under a real gRPC channel: Redis killed under load and restarted, latency injected
/// with CLIENT PAUSE, a corrupted value, a publish that dies midway. Every call answers OK; what Redis could not serve
/// is flagged degraded.
/// </summary>
public sealed class RedisFaultTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, long> V1 = TestIndexes.GameQueries();

    private static readonly string[] Prefixes = ["g", "ge", "gea", "gear", "gf", "gt", "h", "ha", "hal", "han", "x", "xb", "xbo", "xbox"];

    private static async Task<(RedisServerFixture Server, string KeyPrefix)> StartAsync(IndexBuild build, int bucketBytes = 16384)
    {
        var server = new RedisServerFixture();
        await server.InitializeAsync();
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        await new RedisIndexStore(server.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix, BucketBytes = bucketBytes }).PublishAsync(build);
        return (server, keyPrefix);
    }

    private static QueryRecFactory Host(RedisServerFixture server, string keyPrefix, TimeSpan budget, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["QueryRec:Store:Redis"] = server.ConnectionString,
            ["QueryRec:Store:KeyPrefix"] = keyPrefix,
            ["QueryRec:Store:PollInterval"] = "00:00:00.100",
            ["QueryRec:Suggest:StoreBudget"] = budget.ToString(),
            ["QueryRec:Trending:RefreshInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return new QueryRecFactory(settings);
    }

    private static IServer Admin(RedisServerFixture server) => server.Redis.GetServer(server.Redis.GetEndPoints()[0]);

    [Fact]
    public async Task Suggest_RedisKilledUnderLoadAndRestarted_EveryCallOkDegradedDuringOutageFullWithin5s()
    {
        var (server, keyPrefix) = await StartAsync(TestIndexes.FromQueries("kill-v1", V1));
        await using var _ = server;
        using var factory = Host(server, keyPrefix, TimeSpan.FromMilliseconds(300));
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "kill-v1", TimeSpan.FromSeconds(10));
        var calls = 0;
        var failures = new List<string>();

        // A caller with history (one past search that completes none of the prefixes): every call reads it from
        // Redis, so no call can be answered in full from the near-cache alone while Redis is down. (A caller without
        // history is answered from the response cache once known to have none, which needs no Redis read.)
        var searched = await client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = "fault-" + Guid.NewGuid().ToString("N"),
                    Type = EventType.SearchSubmitted,
                    Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
                    UserId = "fault-user",
                    Query = "zzz earlier search",
                },
            },
        });
        Assert.Equal(1, searched.Accepted);

        async Task<SuggestResponse?> CallAsync()
        {
            var prefix = Prefixes[calls++ % Prefixes.Length];
            try
            {
                return await client.SuggestAsync(new SuggestRequest { Prefix = prefix, UserId = "fault-user" });
            }
            catch (RpcException ex)
            {
                failures.Add($"call {calls} '{prefix}': {ex.Status}");
                return null;
            }
        }

        // 1. Healthy.
        var healthy = Stopwatch.StartNew();
        for (var i = 0; i < 500; i++)
        {
            await CallAsync();
        }

        healthy.Stop();

        // 2. Redis persists its data (an RDB snapshot), then dies.
        await Admin(server).ExecuteAsync("SAVE");
        await server.KillAsync();
        var outage = Stopwatch.StartNew();
        var duringOutage = 0;
        var notDegraded = new List<string>();
        var slow = 0;
        var failedFast = 0;
        while (outage.Elapsed < TimeSpan.FromSeconds(2) || duringOutage < 500)
        {
            var started = outage.Elapsed;
            var response = await CallAsync();
            duringOutage++;
            if (outage.Elapsed - started > TimeSpan.FromMilliseconds(250))
            {
                slow++;
            }

            if (response is not null && response.Metadata.DegradedReasons.Contains("store_circuit_open"))
            {
                failedFast++;
            }

            if (response is { Metadata.Degraded: false })
            {
                notDegraded.Add($"call {calls}: {string.Join(" | ", response.Items.Select(i => i.Text))}");
            }
        }

        // 3. Redis comes back with its data: full answers within 5 s.
        await server.RestartAsync();
        var restarted = Stopwatch.StartNew();
        TimeSpan? fullAfter = null;
        while (fullAfter is null && restarted.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await CallAsync() is { Metadata.Degraded: false })
            {
                fullAfter = restarted.Elapsed;
            }
        }

        // 4. And stays full.
        var degradedAfter = 0;
        while (calls < 3000)
        {
            if (await CallAsync() is { Metadata.Degraded: true })
            {
                degradedAfter++;
            }
        }

        output.WriteLine($"500 healthy calls in {healthy.Elapsed.TotalMilliseconds:F0} ms; {calls} calls; {duringOutage} during the {outage.Elapsed.TotalMilliseconds:F0} ms outage ({slow} took over 250 ms, {failedFast} refused by the open circuit); first full answer {fullAfter?.TotalMilliseconds:F0} ms after the restart; {degradedAfter} degraded after");
        Assert.Empty(failures);
        Assert.Empty(notDegraded);
        Assert.True(fullAfter is not null && fullAfter < TimeSpan.FromSeconds(5), $"first full answer {fullAfter?.TotalMilliseconds:F0} ms after the restart");
        Assert.True(degradedAfter <= 10, $"{degradedAfter} degraded answers after recovery");
        var last = await client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = "fault-user" });
        Assert.Equal(TestIndexes.ExpectedTop(V1, "gea", 10), last.Items.Select(i => i.Text));
    }

    [Fact]
    public async Task Suggest_RedisDownAndCircuitOpen_FailsFastMarkedCircuitOpen()
    {
        var (server, keyPrefix) = await StartAsync(TestIndexes.FromQueries("open-v1", V1));
        await using var _ = server;
        using var factory = Host(server, keyPrefix, TimeSpan.FromSeconds(2), new()
        {
            ["QueryRec:Resilience:CircuitBreaker:MinimumThroughput"] = "5",
            ["QueryRec:Resilience:CircuitBreaker:BreakDuration"] = "00:01:00",
        });
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "open-v1", TimeSpan.FromSeconds(10));
        var resilience = factory.Services.GetRequiredService<StoreResilience>();

        await server.KillAsync();
        for (var i = 0; i < 50 && !resilience.IsOpen; i++)
        {
            await client.SuggestAsync(new SuggestRequest { Prefix = "miss" + i, UserId = "u" });
        }

        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ha", UserId = "u" });

        Assert.Equal(CircuitState.Open, resilience.State);
        Assert.True(response.Metadata.Degraded);
        Assert.Contains("store_circuit_open", response.Metadata.DegradedReasons);
        Assert.Contains("store_error:prefix", response.Metadata.DegradedReasons);
    }

    [Fact]
    public async Task Discover_HotListsUnreadableWithCircuitOpen_AreServedFromTheirLastGoodCopies()
    {
        var hotList = new RankedQueries();
        hotList.Queries.AddRange(V1.OrderByDescending(static p => p.Value).Take(3).Select(static p => new RankedQuery { Text = p.Key, Score = p.Value }));
        var build = IndexBuild.Create("hot-v1", DateTimeOffset.UnixEpoch.AddDays(20000), "hot list test index", [
            .. TestIndexes.FromQueries("hot-v1", V1).Records,
            new IndexRecord(IndexKeys.Hot(IndexKeys.GlobalCategory), hotList.ToByteArray())]);
        var (server, keyPrefix) = await StartAsync(build);
        await using var _ = server;
        using var factory = Host(server, keyPrefix, TimeSpan.FromSeconds(2), new()
        {
            ["QueryRec:Resilience:CircuitBreaker:MinimumThroughput"] = "5",
            ["QueryRec:Resilience:CircuitBreaker:BreakDuration"] = "00:01:00",
            // Every read goes to Redis: a near-cache hit would hide the failed read.
            ["QueryRec:Resilience:NearCache:Enabled"] = "false",
            ["QueryRec:Strategies:RecallBudget"] = "00:00:02",
        });
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "hot-v1", TimeSpan.FromSeconds(10));
        var resilience = factory.Services.GetRequiredService<StoreResilience>();
        var request = new DiscoverRequest { Stage = Stage.BeforeSearch, Sections = { SectionKind.Hot } };
        var before = await client.DiscoverAsync(request);
        var hot = before.Sections.Single().Items.Select(static i => i.Text).ToList();
        Assert.Equal(V1.OrderByDescending(static p => p.Value).Take(3).Select(static p => p.Key).Order(StringComparer.Ordinal), hot.Order(StringComparer.Ordinal));
        Assert.False(before.Metadata.Degraded);

        await server.KillAsync();
        for (var i = 0; i < 50 && !resilience.IsOpen; i++)
        {
            await client.SuggestAsync(new SuggestRequest { Prefix = "miss" + i });
        }

        var during = await client.DiscoverAsync(request);

        Assert.Equal(CircuitState.Open, resilience.State);
        Assert.Equal(hot, during.Sections.Single().Items.Select(static i => i.Text));
        Assert.Contains("store_fallback:last_good_list", during.Metadata.DegradedReasons);
        Assert.Contains("store_circuit_open", during.Metadata.DegradedReasons);
        // The hot source answered (from its copy); the index has no trending list, so that source had no copy to serve.
        Assert.DoesNotContain("source_error:category_hot", during.Metadata.DegradedReasons);
        Assert.Contains("source_error:category_trending_list", during.Metadata.DegradedReasons);
    }

    [Fact]
    public async Task Suggest_RedisPausedLongerThanBudget_AnswersDegradedWithinBudget()
    {
        var (server, keyPrefix) = await StartAsync(TestIndexes.FromQueries("pause-v1", V1));
        await using var _ = server;
        var budget = TimeSpan.FromMilliseconds(300);
        using var factory = Host(server, keyPrefix, budget);
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "pause-v1", TimeSpan.FromSeconds(10));

        await Admin(server).ExecuteAsync("CLIENT", "PAUSE", "3000", "ALL");
        var watch = Stopwatch.StartNew();
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "hal", UserId = "paused-user" });
        watch.Stop();
        output.WriteLine($"answered in {watch.Elapsed.TotalMilliseconds:F0} ms: {string.Join(", ", response.Metadata.DegradedReasons)}");

        Assert.True(response.Metadata.Degraded);
        Assert.Contains("store_timeout:prefix", response.Metadata.DegradedReasons);

        // Loose: the pause lasts 3 s; the answer must not wait for it.
        Assert.True(watch.Elapsed < budget + TimeSpan.FromSeconds(2), $"answered after {watch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Suggest_CorruptedPrefixRecord_DropsThatSourceAndServesTheOthers()
    {
        // Small buckets, so that the node of "ha" does not share its bucket with the node of "ge".
        var (server, keyPrefix) = await StartAsync(TestIndexes.FromQueries("corrupt-v1", V1), bucketBytes: 256);
        await using var _ = server;
        using var factory = Host(server, keyPrefix, TimeSpan.FromSeconds(2));
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "corrupt-v1", TimeSpan.FromSeconds(10));

        // The caller searched "halo wars" before: the history source can serve "ha".
        var report = await client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = "corrupt-e1", Type = EventType.SearchSubmitted, UserId = "corrupt-user", Query = "halo wars",
                    Time = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
                },
            },
        });
        Assert.Equal(1, report.Accepted);

        // Overwrite the bucket holding the prefix node of "ha" of the active version with garbage.
        var db = server.Redis.GetDatabase();
        var directory = PackedLayout.ReadDirectory((byte[])(await db.StringGetAsync(keyPrefix + "idx:corrupt-v1:dir"))!, "corrupt-v1");
        var bucket = directory.BucketOf(IndexKeys.Prefix("ha"));
        Assert.NotEqual(bucket, directory.BucketOf(IndexKeys.Prefix("ge")));
        await db.StringSetAsync($"{keyPrefix}idx:corrupt-v1:b:{bucket}", new byte[] { 0xFF, 0xFF, 0xFF, 0x07 });

        for (var i = 0; i < 30; i++)
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = "ha", UserId = "corrupt-user" });
            Assert.True(response.Metadata.Degraded);
            Assert.Contains("store_error:prefix", response.Metadata.DegradedReasons);
            Assert.DoesNotContain("store_circuit_open", response.Metadata.DegradedReasons);
            Assert.Contains("halo wars", response.Items.Select(item => item.Text));
        }

        // A data fault is not a Redis outage: the circuit stays closed and other prefixes are served in full.
        Assert.Equal(CircuitState.Closed, factory.Services.GetRequiredService<StoreResilience>().State);
        var other = await client.SuggestAsync(new SuggestRequest { Prefix = "ge", UserId = "corrupt-user" });
        Assert.False(other.Metadata.Degraded, string.Join(", ", other.Metadata.DegradedReasons));
        Assert.Equal(TestIndexes.ExpectedTop(V1, "ge", 10), other.Items.Select(item => item.Text));
    }

    [Fact]
    public async Task Suggest_PublisherKilledMidwayAndAnnounced_NeverServesTheHalfWrittenVersion()
    {
        var (server, keyPrefix) = await StartAsync(TestIndexes.FromQueries("half-v1", V1));
        await using var _ = server;
        using var factory = Host(server, keyPrefix, TimeSpan.FromSeconds(2));
        var client = factory.CreateClient(factory.CreateChannel());
        await Polling.ForIndexAsync(client, "half-v1", TimeSpan.FromSeconds(10));

        // A publisher of half-v2 (reversed popularity) dies after part of its records: its keys stay behind, and a
        // stray announcement of the version goes out (as a confused or replayed publisher could send).
        var v2 = V1.ToDictionary(p => p.Key, p => 110 - p.Value, StringComparer.Ordinal);
        using var kill = new CancellationTokenSource();
        var writer = new RedisIndexStore(server.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix, WriteBatchSize = 4 });
        var progress = new SyncProgress(p =>
        {
            if (p.Phase == "write" && p.Done >= 8)
            {
                kill.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.PublishAsync(TestIndexes.FromQueries("half-v2", v2), progress, kill.Token));
        Assert.NotEmpty(Admin(server).Keys(pattern: keyPrefix + "idx:half-v2*"));
        await server.Redis.GetSubscriber().PublishAsync(RedisChannel.Literal(keyPrefix + "index-updates"), "half-v2");

        var wrong = new List<string>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            foreach (var prefix in Prefixes)
            {
                var response = await client.SuggestAsync(new SuggestRequest { Prefix = prefix });
                var texts = response.Items.Select(item => item.Text).ToList();
                if (response.Metadata.IndexVersion != "half-v1" || !texts.SequenceEqual(TestIndexes.ExpectedTop(V1, prefix, 10)))
                {
                    wrong.Add($"{response.Metadata.IndexVersion} '{prefix}': {string.Join(" | ", texts)}");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.Equal("half-v1", await new RedisIndexStore(server.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix }).GetActiveVersionAsync());

        // A new publisher completes the version later: the server switches and serves it whole.
        await new RedisIndexStore(server.Redis, new RedisIndexOptions { KeyPrefix = keyPrefix }).PublishAsync(TestIndexes.FromQueries("half-v2", v2));
        await Polling.ForIndexAsync(client, "half-v2", TimeSpan.FromSeconds(10));
        foreach (var prefix in Prefixes)
        {
            var response = await client.SuggestAsync(new SuggestRequest { Prefix = prefix });
            Assert.Equal("half-v2", response.Metadata.IndexVersion);
            Assert.Equal(TestIndexes.ExpectedTop(v2, prefix, 10), response.Items.Select(item => item.Text));
        }
    }

    private sealed class SyncProgress(Action<PublishProgress> report) : IProgress<PublishProgress>
    {
        public void Report(PublishProgress value) => report(value);
    }
}
