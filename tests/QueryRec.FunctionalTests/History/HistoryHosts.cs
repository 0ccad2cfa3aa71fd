using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.History;

/// <summary>
/// A host for search history: the Suggest test index plus one q2q list ("halo reach" → "gears of war 3", the seed of
/// the personal section), a fake clock, a history cap of <see cref="Cap"/> and an expiry of <see cref="Ttl"/>, and
/// helpers that report searches with any pair of ids at a chosen age.
/// </summary>
public abstract class HistoryHost() : FakeClockHost(Now)
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public const int Cap = 4;

    public static readonly TimeSpan Ttl = TimeSpan.FromDays(10);

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

    internal static IndexBuild BuildIndex()
    {
        var related = new RelatedQueries();
        related.Queries.Add(new RelatedQuery { Text = "gears of war 3", Score = 1, Count = 5 });
        var records = TestIndexes.FromQueries("history-v1", Counts).Records
            .Append(new IndexRecord(IndexKeys.Related("halo reach"), related.ToByteArray()));
        return IndexBuild.Create("history-v1", DateTimeOffset.UnixEpoch.AddDays(20000), "history test index", records);
    }

    protected override Dictionary<string, string?> DefaultSettings() => new(StringComparer.Ordinal)
    {
        ["QueryRec:Realtime:StoreBudget"] = "00:00:05",
        ["QueryRec:Realtime:RecentQueriesCap"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["QueryRec:Realtime:HistoryTtl"] = Ttl.ToString(),
        ["QueryRec:Strategies:RecallBudget"] = "00:00:05",
        ["QueryRec:Suggest:StoreBudget"] = "00:00:05",
    };

    /// <summary>Reports one SEARCH_SUBMITTED through ReportEvents, <paramref name="minutesAgo"/> before the clock.</summary>
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

    /// <summary>The HISTORY section of the caller, as Discover answers it before search.</summary>
    public async Task<Section> HistoryAsync(string userId = "", string deviceId = "", int limit = 0)
    {
        var response = await Client.DiscoverAsync(new DiscoverRequest
        {
            UserId = userId,
            DeviceId = deviceId,
            Stage = Stage.BeforeSearch,
            Limit = limit,
            Sections = { SectionKind.History },
        });
        Assert.False(response.Metadata.Degraded, string.Join(",", response.Metadata.DegradedReasons));
        return Assert.Single(response.Sections);
    }

    /// <summary>The texts of the caller's HISTORY section, in order.</summary>
    public async Task<List<string>> HistoryTextsAsync(string userId = "", string deviceId = "")
        => (await HistoryAsync(userId, deviceId)).Items.Select(static i => i.Text).ToList();
}

/// <summary>Embedded index file and in-process real-time store.</summary>
public sealed class EmbeddedHistoryHost : HistoryHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(BuildIndex());
        return Task.CompletedTask;
    }
}

/// <summary>Index and real-time store on a real redis-server started for the test class.</summary>
public sealed class RedisHistoryHost : HistoryHost
{
    public RedisServerFixture Redis { get; } = new();

    /// <summary>The key prefix the host's keys are under.</summary>
    public string KeyPrefix { get; private set; } = string.Empty;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
    }

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        await RedisTestIndex.PublishAndConfigureAsync(Redis, BuildIndex(), settings);
        KeyPrefix = settings["QueryRec:Store:KeyPrefix"]!;
    }
}
