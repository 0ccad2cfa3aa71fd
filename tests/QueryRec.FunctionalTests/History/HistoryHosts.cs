using Google.Protobuf;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.FunctionalTests.Suggest;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.History;

/// <summary>
/// A host for search history: the Suggest real-time host (its index, fake clock and search helper) plus one q2q list
/// ("halo reach" → "gears of war 3", the seed of the personal section), a history cap of <see cref="Cap"/> and an
/// expiry of <see cref="Ttl"/>.
/// </summary>
public abstract class HistoryHost : SuggestRealtimeHost
{
    public const int Cap = 4;

    public static readonly TimeSpan Ttl = TimeSpan.FromDays(10);

    internal static IndexBuild BuildIndex()
    {
        var related = new RelatedQueries();
        related.Queries.Add(new RelatedQuery { Text = "gears of war 3", Score = 1, Count = 5 });
        var records = TestIndexes.FromQueries("history-v1", Counts).Records
            .Append(new IndexRecord(IndexKeys.Related("halo reach"), related.ToByteArray()));
        return IndexBuild.Create("history-v1", DateTimeOffset.UnixEpoch.AddDays(20000), "history test index", records);
    }

    protected override Dictionary<string, string?> DefaultSettings()
    {
        var settings = base.DefaultSettings();
        settings["QueryRec:Realtime:RecentQueriesCap"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["QueryRec:Realtime:HistoryTtl"] = Ttl.ToString();
        settings["QueryRec:Strategies:RecallBudget"] = "00:00:05";
        return settings;
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
    private readonly RedisServerFixture _redis = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
        => RedisTestIndex.PublishAndConfigureAsync(_redis, BuildIndex(), settings);
}
