using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Replay;
using QueryRec.Serving.Time;
using QueryRec.Storage;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>
/// The in-process host of the indexer (the API's own pipeline on Kestrel, h2c, a real channel) and the replay clock
/// (QueryRec:Clock:Replay): logged events from 2011 are accepted, and history and trending follow replayed time.
/// </summary>
public sealed class InProcessPipelineTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2011, 9, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-inproc-" + Guid.NewGuid().ToString("N"));
    private readonly string _index;

    public InProcessPipelineTests()
    {
        Directory.CreateDirectory(_dir);
        _index = Path.Combine(_dir, "index.qrx");
        IndexFile.WriteFile(TestIndexes.FromQueries("v1", new Dictionary<string, long> { ["xbox 360"] = 50, ["xbox kinect"] = 30, ["zune"] = 5 }), _index);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task StartAsync_ServesSuggestFromTheIndexInProcess()
    {
        await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(_index), CancellationToken.None);

        var response = await service.SuggestAsync(new SuggestRequest { Prefix = "xb", Limit = 5 }, CancellationToken.None);

        Assert.Equal(["xbox 360", "xbox kinect"], response.Items.Select(static i => i.Text));
        Assert.False(response.Metadata.Degraded);
        Assert.NotNull(service.Services.GetRequiredService<EventClock>().Replay);
        Assert.Same(TimeProvider.System, service.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task ReplayClock_EventFrom2011_IsAcceptedAndCompletesForThatUserOnly()
    {
        await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(_index), CancellationToken.None);

        var report = await service.ReportEventsAsync(Batch(Search("e1", "ann", "xbox live gold", T0)), CancellationToken.None);
        var forAnn = await service.SuggestAsync(new SuggestRequest { Prefix = "xb", UserId = "ann" }, CancellationToken.None);
        var forBob = await service.SuggestAsync(new SuggestRequest { Prefix = "xb", UserId = "bob" }, CancellationToken.None);

        Assert.Equal(1, report.Accepted);
        Assert.Empty(report.Rejected);
        Assert.Equal(T0, service.Services.GetRequiredService<EventClock>().Now);
        Assert.Equal("xbox live gold", forAnn.Items[0].Text);
        Assert.DoesNotContain(forBob.Items, static i => i.Text == "xbox live gold");
    }

    [Fact]
    public async Task ReplayClock_NeverMovesBackwards_AndOldEventsAreStillJudgedByTheDedupeWindow()
    {
        await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(_index), CancellationToken.None);
        var clock = service.Services.GetRequiredService<EventClock>();

        await service.ReportEventsAsync(Batch(Search("e1", "ann", "zune hd", T0.AddDays(3))), CancellationToken.None);
        var late = await service.ReportEventsAsync(Batch(Search("e2", "ann", "zune pass", T0)), CancellationToken.None);

        Assert.Equal(T0.AddDays(3), clock.Now);
        var rejection = Assert.Single(late.Rejected);
        Assert.Equal("time", rejection.Field);
    }

    [Fact]
    public async Task ReplayClock_TrendingFollowsReplayedTime()
    {
        var settings = new Dictionary<string, string?>
        {
            ["QueryRec:Trending:MinDistinctUsers"] = "2",
            ["QueryRec:Realtime:TrendingWindow"] = "01:00:00",
            ["QueryRec:Realtime:TrendingBucket"] = "00:05:00",
        };
        await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(_index) { Settings = settings }, CancellationToken.None);

        await service.ReportEventsAsync(Batch(Search("e1", "ann", "zelda skyward", T0), Search("e2", "bob", "zelda skyward", T0.AddMinutes(1))), CancellationToken.None);
        var within = await service.SuggestAsync(new SuggestRequest { Prefix = "ze", UserId = "cid" }, CancellationToken.None);
        await service.ReportEventsAsync(Batch(Search("e3", "dan", "xbox 360", T0.AddHours(2))), CancellationToken.None);
        var after = await service.SuggestAsync(new SuggestRequest { Prefix = "ze", UserId = "cid" }, CancellationToken.None);

        Assert.Contains(within.Items, static i => i.Text == "zelda skyward");
        Assert.DoesNotContain(after.Items, static i => i.Text == "zelda skyward");
    }

    [Fact]
    public async Task WithoutReplayClock_TheSameEventIsRefusedAsTooOld()
    {
        var settings = new Dictionary<string, string?> { ["QueryRec:Clock:Replay"] = "false" };
        await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(_index) { Settings = settings }, CancellationToken.None);

        var report = await service.ReportEventsAsync(Batch(Search("e1", "ann", "xbox live gold", T0)), CancellationToken.None);

        Assert.Equal(0, report.Accepted);
        Assert.Equal("time", Assert.Single(report.Rejected).Field);
        Assert.Null(service.Services.GetRequiredService<EventClock>().Replay);
    }

    private static ReportEventsRequest Batch(params Event[] events)
    {
        var request = new ReportEventsRequest();
        request.Events.AddRange(events);
        return request;
    }

    private static Event Search(string id, string user, string query, DateTimeOffset time) => new()
    {
        EventId = id,
        Type = EventType.SearchSubmitted,
        UserId = user,
        Query = query,
        Time = Timestamp.FromDateTimeOffset(time),
    };
}
