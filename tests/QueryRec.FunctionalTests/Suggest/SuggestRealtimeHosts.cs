using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Serving.Recall;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Suggest;

/// <summary>
/// A host for Suggest with real-time events: a small hand-made index, a fake clock at <see cref="Now"/>, trending
/// needing <see cref="MinDistinctUsers"/> distinct users, and helpers to report searches through ReportEvents.
/// </summary>
public abstract class SuggestRealtimeHost() : FakeClockHost(Now)
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public const int MinDistinctUsers = 3;

    /// <summary>The trending window of the host (and one bucket).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public static readonly TimeSpan Bucket = TimeSpan.FromMinutes(5);

    internal static readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 120,
        ["gears of war"] = 80,
        ["gears of war 2"] = 45,
        ["gear head"] = 40,
        ["geforce gtx"] = 30,
        ["halo reach"] = 200,
    };

    private int _events;

    /// <summary>The Suggest store budget (generous by default: the fake clock does not drive it).</summary>
    public TimeSpan SuggestStoreBudget { get; init; } = TimeSpan.FromSeconds(5);

    protected override Dictionary<string, string?> DefaultSettings()
    {
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["QueryRec:Realtime:StoreBudget"] = "00:00:05",
            ["QueryRec:Realtime:TrendingWindow"] = Window.ToString(),
            ["QueryRec:Realtime:TrendingBucket"] = Bucket.ToString(),
            ["QueryRec:Suggest:StoreBudget"] = SuggestStoreBudget.ToString(),
            ["QueryRec:Trending:MinDistinctUsers"] = MinDistinctUsers.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Re-reads trending now (what the background refresher does every interval).</summary>
    internal Task RefreshTrendingAsync() => Factory.Services.GetRequiredService<TrendingQueries>().RefreshAsync();

    /// <summary>
    /// Reports one SEARCH_SUBMITTED per (user or device, query) through ReportEvents, <paramref name="minutesAgo"/>
    /// (one by default) before the clock.
    /// </summary>
    public async Task SearchAsync(string query, string userId = "", string deviceId = "", int minutesAgo = 1)
    {
        var response = await Client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = Guid.NewGuid().ToString("N") + "-" + Interlocked.Increment(ref _events),
                    Type = EventType.SearchSubmitted,
                    Time = Timestamp.FromDateTimeOffset(Time.GetUtcNow().AddMinutes(-minutesAgo)),
                    UserId = userId,
                    DeviceId = deviceId,
                    Query = query,
                },
            },
        });
        Assert.Equal(1, response.Accepted);
    }

    public async Task<List<string>> SuggestTextsAsync(string prefix, string userId = "", string deviceId = "")
    {
        var response = await Client.SuggestAsync(new SuggestRequest { Prefix = prefix, UserId = userId, DeviceId = deviceId });
        return response.Items.Select(static i => i.Text).ToList();
    }
}

/// <summary>Embedded index file and in-process real-time store.</summary>
public sealed class EmbeddedSuggestRealtimeHost : SuggestRealtimeHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(TestIndexes.FromQueries("rt-v1", Counts));
        return Task.CompletedTask;
    }
}

/// <summary>Index and real-time store on a real redis-server started for the test class.</summary>
public sealed class RedisSuggestRealtimeHost : SuggestRealtimeHost
{
    private readonly RedisServerFixture _redis = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => RedisTestIndex.PublishAndConfigureAsync(_redis, TestIndexes.FromQueries("rt-v1", Counts), settings);
}
