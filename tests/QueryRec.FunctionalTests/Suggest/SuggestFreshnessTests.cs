using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage.Realtime;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// Suggest freshness (issue 4, point 2): a query submitted through ReportEvents by enough distinct users within the
/// trending window becomes suggestible without a rebuild, and fades when the window passes (fake clock). Each test
/// starts its own host because it moves the clock.
/// </summary>
public abstract class SuggestFreshnessTests<THost>
    where THost : SuggestRealtimeHost, new()
{
    private const string Fresh = "gears tactics";

    [Fact]
    public async Task Suggest_QueryAbsentFromIndex_BecomesSuggestibleAfterEnoughDistinctUsers()
    {
        await using var scope = await StartAsync();
        var host = scope.Host;
        for (var i = 1; i < SuggestRealtimeHost.MinDistinctUsers; i++)
        {
            await host.SearchAsync(Fresh, userId: "user-" + i);
        }

        // One user searching it many times is not enough either.
        await host.SearchAsync(Fresh, userId: "user-1");
        await host.RefreshTrendingAsync();
        var before = await host.SuggestTextsAsync("gears t");

        await host.SearchAsync(Fresh, deviceId: "device-n");
        await host.RefreshTrendingAsync();
        var after = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gears t" });

        Assert.Empty(before);
        var item = Assert.Single(after.Items);
        Assert.Equal(Fresh, item.Text);
        Assert.Equal([Source.Trending], item.Sources);
        Assert.Equal(Reason.Trending, item.Reason);
        Assert.False(after.Metadata.Degraded);
    }

    [Fact]
    public async Task Suggest_TrendingQuery_FadesOnceTheWindowPasses()
    {
        await using var scope = await StartAsync();
        var host = scope.Host;
        for (var i = 0; i < SuggestRealtimeHost.MinDistinctUsers; i++)
        {
            await host.SearchAsync(Fresh, userId: "fader-" + i);
        }

        await host.RefreshTrendingAsync();
        var during = await host.SuggestTextsAsync("gears");

        host.Time.Advance(SuggestRealtimeHost.Window + SuggestRealtimeHost.Bucket + TimeSpan.FromMinutes(1));
        await host.RefreshTrendingAsync();
        var afterWindow = await host.SuggestTextsAsync("gears");

        Assert.Contains(Fresh, during);
        Assert.DoesNotContain(Fresh, afterWindow);
        Assert.Equal(TestIndexes.ExpectedTop(SuggestRealtimeHost.Counts, "gears", 10), afterWindow);
    }

    [Fact]
    public async Task Suggest_TrendingIndexedQuery_IsBoostedAndMarkedTrending()
    {
        await using var scope = await StartAsync();
        var host = scope.Host;
        for (var i = 0; i < SuggestRealtimeHost.MinDistinctUsers; i++)
        {
            await host.SearchAsync("gears of war 2", userId: "booster-" + i);
        }

        await host.RefreshTrendingAsync();
        var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea" });

        // 45 + 120 × 0.5 × (3 / 3) = 105: above "gears of war" (80), below "gears of war 3" (120).
        Assert.Equal(["gears of war 3", "gears of war 2", "gears of war", "gear head"], response.Items.Select(i => i.Text));
        Assert.Equal([Source.Prefix, Source.Trending], response.Items[1].Sources);
        Assert.Equal(Reason.Trending, response.Items[1].Reason);
        Assert.Equal(105, response.Items[1].Score, 6);
    }

    [Fact]
    public async Task Suggest_TrendingList_IsRefreshedByTheClockWithoutRebuild()
    {
        await using var scope = await StartAsync();
        var host = scope.Host;
        for (var i = 0; i < SuggestRealtimeHost.MinDistinctUsers; i++)
        {
            await host.SearchAsync(Fresh, userId: "ticker-" + i);
        }

        // No explicit refresh: the background refresher runs on the (fake) clock's interval.
        var texts = new List<string>();
        for (var attempt = 0; attempt < 100 && !texts.Contains(Fresh); attempt++)
        {
            host.Time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(20);
            texts = await host.SuggestTextsAsync("gears t");
        }

        Assert.Equal([Fresh], texts);
    }

    [Fact]
    public async Task Suggest_BurstOfSearches_RefreshesTrendingLongBeforeTheInterval()
    {
        await using var scope = await StartAsync(new()
        {
            ["QueryRec:Trending:RefreshInterval"] = "01:00:00",
            ["QueryRec:Trending:EarlyRefreshMinSearches"] = SuggestRealtimeHost.MinDistinctUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var host = scope.Host;
        host.Time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < SuggestRealtimeHost.MinDistinctUsers; i++)
        {
            await host.SearchAsync(Fresh, userId: "burst-" + i);
        }

        // No explicit refresh and the clock stays far from the hourly interval: the accepted searches start one.
        var texts = new List<string>();
        for (var attempt = 0; attempt < 250 && !texts.Contains(Fresh); attempt++)
        {
            await Task.Delay(20);
            texts = await host.SuggestTextsAsync("gears t");
        }

        Assert.Equal([Fresh], texts);
    }

    [Fact]
    public async Task Suggest_BlacklistedRealtimeQuery_IsNeverSuggested()
    {
        await using var scope = await StartAsync(new() { ["QueryRec:Rerank:Blacklist:0"] = "tactics", ["QueryRec:Rerank:Blacklist:1"] = "re:^gears of war 2$" });
        var host = scope.Host;
        for (var i = 0; i < SuggestRealtimeHost.MinDistinctUsers; i++)
        {
            await host.SearchAsync(Fresh, userId: "blocked-" + i);
        }

        await host.RefreshTrendingAsync();
        var texts = await host.SuggestTextsAsync("gears", userId: "blocked-0");

        Assert.Equal(["gears of war 3", "gears of war"], texts);
    }

    private static async Task<HostScope> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var host = new THost { ExtraSettings = settings ?? [] };
        await host.InitializeAsync();
        return new HostScope(host);
    }

    /// <summary>Disposes the host at the end of a test.</summary>
    private sealed class HostScope(THost host) : IAsyncDisposable
    {
        public THost Host => host;

        public ValueTask DisposeAsync() => new(host.DisposeAsync());
    }
}

public sealed class SuggestFreshnessEmbeddedTests : SuggestFreshnessTests<EmbeddedSuggestRealtimeHost>;

public sealed class SuggestFreshnessRedisTests : SuggestFreshnessTests<RedisSuggestRealtimeHost>;

/// <summary>A failing real-time store degrades Suggest to the prefix table instead of failing it.</summary>
public sealed class SuggestRealtimeDegradedTests
{
    [Fact]
    public async Task Suggest_RealtimeStoreThrows_AnswersPrefixResultsDegraded()
    {
        var host = new EmbeddedSuggestRealtimeHost
        {
            ExtraServices = static services => services.Replace(ServiceDescriptor.Singleton<IRealtimeStore>(new DownRealtimeStore())),
        };
        await host.InitializeAsync();
        try
        {
            var response = await host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = "someone" });

            Assert.Equal(TestIndexes.ExpectedTop(SuggestRealtimeHost.Counts, "gea", 10), response.Items.Select(i => i.Text));
            Assert.True(response.Metadata.Degraded);
            Assert.Contains("source_error:history", response.Metadata.DegradedReasons);
            Assert.Contains("source_stale:trending", response.Metadata.DegradedReasons);
            Assert.Equal("rt-v1", response.Metadata.IndexVersion);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Suggest_HistoryReadMissesBudget_AnswersPrefixResultsDegraded()
    {
        var slow = new TaskCompletionSource<IReadOnlyList<RecentEntry>>();
        var host = new EmbeddedSuggestRealtimeHost
        {
            ExtraServices = services => services.Replace(ServiceDescriptor.Singleton<IRealtimeStore>(sp =>
                new SlowHistoryStore(new EmbeddedRealtimeStore(new RealtimeOptions(), sp.GetRequiredService<TimeProvider>()), slow.Task))),
            SuggestStoreBudget = TimeSpan.FromMilliseconds(200),
        };
        await host.InitializeAsync();
        try
        {
            // The budget runs on the host's (fake) clock: move it until the call answers.
            var call = host.Client.SuggestAsync(new SuggestRequest { Prefix = "gea", UserId = "slowpoke" }).ResponseAsync;
            for (var i = 0; i < 500 && !call.IsCompleted; i++)
            {
                await Task.Delay(10);
                host.Time.Advance(TimeSpan.FromMilliseconds(100));
            }

            var response = await call;

            Assert.Equal(TestIndexes.ExpectedTop(SuggestRealtimeHost.Counts, "gea", 10), response.Items.Select(i => i.Text));
            Assert.Contains("source_timeout:history", response.Metadata.DegradedReasons);

            // The fake clock moves 100 ms per 10 ms of real time, so on a loaded machine another in-memory source (infix)
            // can also miss the budget; nothing but timeouts may be reported.
            Assert.All(response.Metadata.DegradedReasons, reason => Assert.StartsWith("source_timeout:", reason, StringComparison.Ordinal));
        }
        finally
        {
            slow.SetResult([]);
            await host.DisposeAsync();
        }
    }

    private sealed class SlowHistoryStore(IRealtimeStore inner, Task<IReadOnlyList<RecentEntry>> history) : IRealtimeStore
    {
        public string Name => "slow";

        public Task<bool[]> MarkEventsSeenAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default) => inner.MarkEventsSeenAsync(eventIds, cancellationToken);

        public Task ForgetEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default) => inner.ForgetEventsAsync(eventIds, cancellationToken);

        public Task ApplyAsync(IReadOnlyList<RealtimeUpdate> updates, CancellationToken cancellationToken = default) => inner.ApplyAsync(updates, cancellationToken);

        public Task<IReadOnlyList<RecentEntry>> GetRecentQueriesAsync(string subject, int max, CancellationToken cancellationToken = default) => history;

        public Task<IReadOnlyList<RecentEntry>> GetViewedItemsAsync(string subject, int max, CancellationToken cancellationToken = default) => inner.GetViewedItemsAsync(subject, max, cancellationToken);

        public Task<IReadOnlyList<RecentEntry>> GetPushesSentAsync(string subject, int max, CancellationToken cancellationToken = default)
            => inner.GetPushesSentAsync(subject, max, cancellationToken);

        public Task<IReadOnlyList<RecentEntry>> GetOrderedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
            => inner.GetOrderedItemsAsync(subject, max, cancellationToken);

        public IAsyncEnumerable<RecentEntry> ScanSubjectsAsync(CancellationToken cancellationToken = default) => inner.ScanSubjectsAsync(cancellationToken);

        public Task<IReadOnlyDictionary<string, int>> GetExposuresAsync(string subject, DateOnly day, IReadOnlyCollection<string> words, CancellationToken cancellationToken = default) => inner.GetExposuresAsync(subject, day, words, cancellationToken);

        public Task<IReadOnlyList<TrendingCount>> GetTrendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default) => inner.GetTrendingAsync(now, max, cancellationToken);

        public Task<int> DeleteRecentQueriesAsync(string subject, IReadOnlyCollection<string>? queries, CancellationToken cancellationToken = default)
            => inner.DeleteRecentQueriesAsync(subject, queries, cancellationToken);

        public Task<int> MoveRecentQueriesAsync(string fromSubject, string toSubject, CancellationToken cancellationToken = default)
            => inner.MoveRecentQueriesAsync(fromSubject, toSubject, cancellationToken);

        public Task<int> EraseSubjectAsync(string subject, CancellationToken cancellationToken = default)
            => inner.EraseSubjectAsync(subject, cancellationToken);
    }
}
