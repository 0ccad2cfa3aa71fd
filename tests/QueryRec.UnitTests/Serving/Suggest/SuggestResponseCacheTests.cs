using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;

namespace QueryRec.UnitTests.Serving.Suggest;

public sealed class SuggestResponseCacheTests : IDisposable
{
    private static readonly object Trending = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _services.Dispose();

    private SuggestResponseCache Cache(int maxEntries = 100, TimeSpan? ttl = null, int presenceEntries = 100, TimeSpan? presenceTtl = null)
    {
        var options = new SuggestOptions();
        options.ResponseCache.MaxEntries = maxEntries;
        options.ResponseCache.Ttl = ttl ?? TimeSpan.FromSeconds(5);
        options.ResponseCache.HistoryPresenceMaxEntries = presenceEntries;
        options.ResponseCache.HistoryPresenceTtl = presenceTtl ?? TimeSpan.FromSeconds(5);
        return new SuggestResponseCache(Options.Create(options), _time, new QueryRecInstrumentation(_services.GetRequiredService<IMeterFactory>(), Options.Create(new TelemetryOptions())));
    }

    private static SuggestResponseCache.Key Key(string prefix, string index = "v1")
        => SuggestResponseCache.KeyOf(new SuggestRequest { Prefix = prefix }, prefix, 10, index, "heuristic-v1", null, Trending);

    private static SuggestResponse Answer(string text, bool degraded = false)
    {
        var response = new SuggestResponse { Metadata = new ResponseMetadata { IndexVersion = "v1", RequestId = "r1", Degraded = degraded } };
        response.Items.Add(new RecommendedQuery { Text = text, Score = 1 });
        return response;
    }

    [Fact]
    public void TryGet_AfterSet_ReturnsTheAnswerWithTheNewRequestId_AndLaterEditsOfTheOriginalDoNotShow()
    {
        var cache = Cache();
        var answer = Answer("gears");
        cache.Set(Key("ge"), answer);
        answer.Items[0].Text = "changed";

        var hit = cache.TryGet(Key("ge"), "r2");

        Assert.NotNull(hit);
        Assert.Equal("gears", hit.Items[0].Text);
        Assert.Equal("r2", hit.Metadata.RequestId);
        Assert.Null(cache.TryGet(Key("gea"), "r3"));
    }

    [Fact]
    public void TryGet_PastTheTtl_Misses()
    {
        var cache = Cache(ttl: TimeSpan.FromSeconds(2));
        cache.Set(Key("ge"), Answer("gears"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(cache.TryGet(Key("ge"), "r2"));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Null(cache.TryGet(Key("ge"), "r3"));
    }

    [Fact]
    public void Set_OfDegradedAnswer_IsNotCached()
    {
        var cache = Cache();
        cache.Set(Key("ge"), Answer("gears", degraded: true));

        Assert.Null(cache.TryGet(Key("ge"), "r2"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void TryGet_OfAnotherIndexVersion_MissesAndFlushesTheOldEntries()
    {
        var cache = Cache();
        cache.Set(Key("ge"), Answer("gears"));
        cache.Set(Key("ha"), Answer("halo"));
        Assert.NotNull(cache.TryGet(Key("ge"), "r2"));

        Assert.Null(cache.TryGet(Key("ge", index: "v2"), "r3"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Set_MoreThanCapacity_CountStaysWithinBound()
    {
        var cache = Cache(maxEntries: 16);
        for (var i = 0; i < 500; i++)
        {
            cache.Set(Key("q" + i), Answer("q" + i));
            Assert.InRange(cache.Count, 1, 16);
        }

        Assert.Null(cache.TryGet(Key("q0"), "r"));
        Assert.NotNull(cache.TryGet(Key("q499"), "r"));
    }

    [Fact]
    public void HistoryOf_AfterRecordHistory_IsWhatWasRead()
    {
        var cache = Cache();
        cache.RecordHistory("d:empty", hasHistory: false, cache.GenerationOf("d:empty"));
        cache.RecordHistory("u:some", hasHistory: true, cache.GenerationOf("u:some"));

        Assert.Equal(SubjectHistory.None, cache.HistoryOf("d:empty"));
        Assert.Equal(SubjectHistory.Some, cache.HistoryOf("u:some"));
        Assert.Equal(SubjectHistory.Unknown, cache.HistoryOf("d:never-read"));
    }

    [Fact]
    public void HistoryOf_PastThePresenceTtl_IsUnknown()
    {
        var cache = Cache(presenceTtl: TimeSpan.FromSeconds(2));
        cache.RecordHistory("d:1", hasHistory: false, cache.GenerationOf("d:1"));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SubjectHistory.None, cache.HistoryOf("d:1"));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        Assert.Equal(SubjectHistory.Unknown, cache.HistoryOf("d:1"));
    }

    [Fact]
    public void ForgetHistory_OfAKnownSubject_MakesItUnknown()
    {
        var cache = Cache();
        cache.RecordHistory("d:1", hasHistory: false, cache.GenerationOf("d:1"));

        cache.ForgetHistory("d:1");

        Assert.Equal(SubjectHistory.Unknown, cache.HistoryOf("d:1"));
    }

    [Fact]
    public void RecordHistory_OfAReadStartedBeforeForgetHistory_RecordsNothing()
    {
        // A Suggest read the empty lists, then ReportEvents wrote the subject's first event and forgot it: the read's
        // "empty" is out of date and must not be remembered.
        var cache = Cache();
        var generation = cache.GenerationOf("d:1");
        cache.ForgetHistory("d:1");

        cache.RecordHistory("d:1", hasHistory: false, generation);

        Assert.Equal(SubjectHistory.Unknown, cache.HistoryOf("d:1"));
        cache.RecordHistory("d:1", hasHistory: false, cache.GenerationOf("d:1"));
        Assert.Equal(SubjectHistory.None, cache.HistoryOf("d:1"));
    }

    [Fact]
    public void RecordHistory_MoreSubjectsThanCapacity_CountStaysWithinBound()
    {
        var cache = Cache(presenceEntries: 16);
        for (var i = 0; i < 500; i++)
        {
            cache.RecordHistory("d:" + i, hasHistory: false, cache.GenerationOf("d:" + i));
            Assert.InRange(cache.PresenceCount, 1, 16);
        }

        Assert.Equal(SubjectHistory.Unknown, cache.HistoryOf("d:0"));
        Assert.Equal(SubjectHistory.None, cache.HistoryOf("d:499"));
    }

    [Fact]
    public void HistoryOf_WithAZeroPresenceTtl_IsAlwaysUnknown()
    {
        var cache = Cache(presenceTtl: TimeSpan.Zero);
        cache.RecordHistory("d:1", hasHistory: false, cache.GenerationOf("d:1"));

        Assert.Equal(SubjectHistory.Unknown, cache.HistoryOf("d:1"));
        Assert.Equal(0, cache.PresenceCount);
    }
}
