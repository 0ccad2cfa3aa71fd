using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.Discover;

/// <summary>
/// A host for Discover and GetShadingWords: a small hand-made index with q2q, refinements, i2q, hot, trending and
/// pins, a fake clock at <see cref="Now"/>, a daily exposure cap of <see cref="ExposureCap"/>, and helpers that send
/// events through ReportEvents.
/// </summary>
public abstract class BrowseHost() : FakeClockHost(Now)
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public const int ExposureCap = 2;

    public const int RotationSeconds = 30;

    /// <summary>Global hot words, best first.</summary>
    public static readonly string[] GlobalHot = ["tv", "laptop", "headphones", "ps5"];

    /// <summary>Hot words of category "phones", best first.</summary>
    public static readonly string[] PhonesHot = ["galaxy s24", "pixel 8", "iphone 15"];

    public const string Pin = "black friday deals";

    /// <summary>The trending list of category "audio" (the category of "airpods").</summary>
    public const string AudioTrending = "airpods pro 2";

    /// <summary>Push: most distinct queries pushed per subject and UTC day.</summary>
    public const int PushCap = 10;

    private int _events;

    internal static IndexBuild BuildIndex()
    {
        var records = new List<IndexRecord>();
        void Stats(string text, string category, long zeroResults = 0)
            => records.Add(new IndexRecord(IndexKeys.Query(text), new QueryStats
            {
                Text = text,
                Count = 100,
                Popularity = 100,
                DistinctUsers = 10,
                CategoryHint = category,
                SearchesWithResultCount = 10,
                ZeroResultSearches = zeroResults,
            }.ToByteArray()));
        void Related(string key, params string[] texts)
        {
            var list = new RelatedQueries();
            list.Queries.AddRange(texts.Select((t, i) => new RelatedQuery { Text = t, Score = texts.Length - i, Count = 5 }));
            records.Add(new IndexRecord(key, list.ToByteArray()));
        }

        void Ranked(string key, params string[] texts)
        {
            var list = new RankedQueries();
            list.Queries.AddRange(texts.Select((t, i) => new RankedQuery { Text = t, Score = texts.Length - i, Count = 50 }));
            records.Add(new IndexRecord(key, list.ToByteArray()));
        }

        Stats("iphone 15", "phones");
        Stats("iphone 15 case", "accessories");
        Stats("iphone 15 pro", "phones");
        Stats("airpods", "audio");
        Stats("zzz nothing", "", zeroResults: 10);
        Stats("tv stand", "furniture");
        Stats("tv mount", "furniture");
        Stats("hdmi cable", "cables");

        // q2q (with a self-loop and a zero-result query, which must never be shown) and refinements.
        Related(IndexKeys.Related("iphone 15"), "iphone 15 case", "iphone 15", "zzz nothing", "iphone 15 pro", "airpods");
        Related(IndexKeys.Related("tv"), "tv stand", "tv mount", "hdmi cable"); // scores 3, 2, 1
        // Discover RELATED of "airpods" with every source, its own text and a zero-result query among them.
        var discovery = new RelatedQueries();
        discovery.Queries.Add(new RelatedQuery { Text = "airpods", Score = 9, Source = RelatedSource.Q2Q });
        discovery.Queries.Add(new RelatedQuery { Text = "zzz nothing", Score = 5, Source = RelatedSource.CoClick });
        discovery.Queries.Add(new RelatedQuery { Text = "iphone 15 case", Score = 0.5, Source = RelatedSource.CoClick });
        discovery.Queries.Add(new RelatedQuery { Text = "hdmi cable", Score = 0.3, Source = RelatedSource.SharedWords });
        discovery.Queries.Add(new RelatedQuery { Text = "tv stand", Score = 100, Source = RelatedSource.CategoryHot });
        records.Add(new IndexRecord(IndexKeys.DiscoveryRelated("airpods"), discovery.ToByteArray()));
        Related(IndexKeys.Refinements("iphone 15"), "iphone 15 pro max", "iphone 15", "iphone 15 128gb");

        var items = new ItemQueries();
        items.Queries.Add(new ItemQuery { Text = "usb c cable", Weight = 8, Clicks = 8 });
        items.Queries.Add(new ItemQuery { Text = "iphone charger", Weight = 4, Clicks = 4 });
        records.Add(new IndexRecord(IndexKeys.Item("sku-1"), items.ToByteArray()));

        Ranked(IndexKeys.Hot(IndexKeys.GlobalCategory), GlobalHot);
        Ranked(IndexKeys.Hot("phones"), PhonesHot);
        Ranked(IndexKeys.Trending(IndexKeys.GlobalCategory), "switch 2");
        Ranked(IndexKeys.Trending("audio"), AudioTrending);

        var pins = new PinList();
        pins.Pins.Add(new QueryRec.Storage.V1.Pin { Text = Pin });
        records.Add(new IndexRecord(IndexKeys.Pins, pins.ToByteArray()));
        return IndexBuild.Create("browse-v1", DateTimeOffset.UnixEpoch.AddDays(20000), "browse test index", records);
    }

    protected override Dictionary<string, string?> DefaultSettings()
    {
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["QueryRec:Realtime:StoreBudget"] = "00:00:05",
            ["QueryRec:Strategies:RecallBudget"] = "00:00:05",
            ["QueryRec:Strategies:ShadingDailyExposureCap"] = ExposureCap.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QueryRec:Strategies:RotationIntervalSeconds"] = RotationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["QueryRec:Strategies:PushDailyCap"] = PushCap.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Reports one event for a user through ReportEvents, a minute before the clock.</summary>
    public async Task ReportAsync(EventType type, string userId, string query = "", string itemId = "")
        => await ReportAsync(type, userId, query, itemId, string.Empty);

    /// <summary>Reports one event for a user or a device through ReportEvents, a minute before the clock.</summary>
    public async Task ReportAsync(EventType type, string userId, string query, string itemId, string deviceId)
    {
        var response = await Client.ReportEventsAsync(new ReportEventsRequest
        {
            Events =
            {
                new Event
                {
                    EventId = Guid.NewGuid().ToString("N") + "-" + Interlocked.Increment(ref _events),
                    Type = type,
                    Time = Timestamp.FromDateTimeOffset(Time.GetUtcNow().AddMinutes(-1)),
                    UserId = userId,
                    DeviceId = deviceId,
                    Query = query,
                    ItemId = itemId,
                },
            },
        });
        Assert.Equal(1, response.Accepted);
    }
}

/// <summary>Embedded index file and in-process real-time store.</summary>
public sealed class EmbeddedBrowseHost : BrowseHost
{
    protected override Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        settings["QueryRec:Store:IndexPath"] = QueryRecFactory.WriteTempIndex(BuildIndex());
        return Task.CompletedTask;
    }
}

/// <summary>Index and real-time store on a real redis-server started for the test class.</summary>
public sealed class RedisBrowseHost : BrowseHost
{
    private readonly RedisServerFixture _redis = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>The Redis and key prefix the host serves from, as the indexer's <c>--redis</c> and <c>--key-prefix</c> take them.</summary>
    public (string Redis, string KeyPrefix) Store { get; private set; }

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        await RedisTestIndex.PublishAndConfigureAsync(_redis, BuildIndex(), settings);
        Store = (settings["QueryRec:Store:Redis"]!, settings["QueryRec:Store:KeyPrefix"]!);
    }
}
