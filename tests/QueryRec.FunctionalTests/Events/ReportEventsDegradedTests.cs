using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Storage.Realtime;

namespace QueryRec.FunctionalTests.Events;

/// <summary>ReportEvents when the real-time store fails or stalls: the call answers degraded and claims nothing stored.</summary>
public sealed class ReportEventsDegradedTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly ControllableStore _store;
    private readonly QueryRecFactory _factory;
    private readonly QueryRecService.QueryRecServiceClient _client;

    public ReportEventsDegradedTests()
    {
        _store = new ControllableStore(new EmbeddedRealtimeStore(new RealtimeOptions(), _time));
        _factory = new QueryRecFactory(new Dictionary<string, string?> { ["QueryRec:Realtime:StoreBudget"] = "00:00:00.200" })
        {
            TestServices = services =>
            {
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(_time));
                services.Replace(ServiceDescriptor.Singleton<IRealtimeStore>(_store));
            },
        };
        _client = _factory.CreateClient(_factory.CreateChannel());
    }

    public void Dispose() => _factory.Dispose();

    private static ReportEventsRequest Request() => new()
    {
        Events =
        {
            new Event { EventId = "e1", Type = EventType.SearchSubmitted, Time = Timestamp.FromDateTimeOffset(Now), UserId = "alice", Query = "tv" },
            new Event { EventId = "e2", Type = EventType.ItemViewed, Time = Timestamp.FromDateTimeOffset(Now), UserId = "alice", ItemId = "sku-1" },
            new Event { EventId = "bad", Type = EventType.ItemViewed, Time = Timestamp.FromDateTimeOffset(Now), UserId = "alice" },
        },
    };

    [Fact]
    public async Task ReportEvents_StoreThrows_AnswersDegradedWithNothingAccepted()
    {
        _store.FailApply = true;

        var response = await _client.ReportEventsAsync(Request());

        Assert.True(response.Metadata.Degraded);
        Assert.Equal(["realtime_store_error"], response.Metadata.DegradedReasons);
        Assert.Equal((0, 0), (response.Accepted, response.Duplicates));
        Assert.Equal("item_id", Assert.Single(response.Rejected).Field);
    }

    [Fact]
    public async Task ReportEvents_RetryAfterAFailedWrite_IsAcceptedNotDuplicate()
    {
        _store.FailApply = true;
        await _client.ReportEventsAsync(Request());
        _store.FailApply = false;

        var retry = await _client.ReportEventsAsync(Request());

        Assert.False(retry.Metadata.Degraded);
        Assert.Equal((2, 0), (retry.Accepted, retry.Duplicates));
        Assert.Equal(["tv"], (await _store.GetRecentQueriesAsync("u:alice", 10)).Select(e => e.Value));
    }

    [Fact]
    public async Task ReportEvents_StoreStallsPastTheBudget_AnswersDegradedTimeout()
    {
        _store.Stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var call = _client.ReportEventsAsync(Request()).ResponseAsync;
        while (!call.IsCompleted)
        {
            // The budget runs on the fake clock: move it until the handler gives up.
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.WhenAny(call, Task.Delay(20));
        }

        var response = await call;
        _store.Stall.SetResult();

        Assert.True(response.Metadata.Degraded);
        Assert.Equal(["realtime_store_timeout"], response.Metadata.DegradedReasons);
        Assert.Equal(0, response.Accepted);
    }

    /// <summary>A real embedded store whose writes can be made to fail or stall.</summary>
    private sealed class ControllableStore(IRealtimeStore inner) : IRealtimeStore
    {
        public bool FailApply { get; set; }

        public TaskCompletionSource? Stall { get; set; }

        public string Name => "controllable";

        public async Task<bool[]> MarkEventsSeenAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
        {
            if (Stall is { } stall)
            {
                await stall.Task;
            }

            return await inner.MarkEventsSeenAsync(eventIds, cancellationToken);
        }

        public Task ForgetEventsAsync(IReadOnlyList<string> eventIds, CancellationToken cancellationToken = default)
            => inner.ForgetEventsAsync(eventIds, cancellationToken);

        public Task ApplyAsync(IReadOnlyList<RealtimeUpdate> updates, CancellationToken cancellationToken = default)
            => FailApply ? throw new InvalidOperationException("simulated store failure") : inner.ApplyAsync(updates, cancellationToken);

        public Task<IReadOnlyList<RecentEntry>> GetRecentQueriesAsync(string subject, int max, CancellationToken cancellationToken = default)
            => inner.GetRecentQueriesAsync(subject, max, cancellationToken);

        public Task<IReadOnlyList<RecentEntry>> GetViewedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
            => inner.GetViewedItemsAsync(subject, max, cancellationToken);

        public Task<IReadOnlyList<RecentEntry>> GetPushesSentAsync(string subject, int max, CancellationToken cancellationToken = default)
            => inner.GetPushesSentAsync(subject, max, cancellationToken);

        public Task<IReadOnlyList<RecentEntry>> GetOrderedItemsAsync(string subject, int max, CancellationToken cancellationToken = default)
            => inner.GetOrderedItemsAsync(subject, max, cancellationToken);

        public IAsyncEnumerable<RecentEntry> ScanSubjectsAsync(CancellationToken cancellationToken = default) => inner.ScanSubjectsAsync(cancellationToken);

        public Task<IReadOnlyDictionary<string, int>> GetExposuresAsync(string subject, DateOnly day, IReadOnlyCollection<string> words, CancellationToken cancellationToken = default)
            => inner.GetExposuresAsync(subject, day, words, cancellationToken);

        public Task<IReadOnlyList<TrendingCount>> GetTrendingAsync(DateTimeOffset now, int max, CancellationToken cancellationToken = default)
            => inner.GetTrendingAsync(now, max, cancellationToken);

        public Task<int> DeleteRecentQueriesAsync(string subject, IReadOnlyCollection<string>? queries, CancellationToken cancellationToken = default)
            => inner.DeleteRecentQueriesAsync(subject, queries, cancellationToken);

        public Task<int> MoveRecentQueriesAsync(string fromSubject, string toSubject, CancellationToken cancellationToken = default)
            => inner.MoveRecentQueriesAsync(fromSubject, toSubject, cancellationToken);

        public Task<int> EraseSubjectAsync(string subject, CancellationToken cancellationToken = default)
            => inner.EraseSubjectAsync(subject, cancellationToken);
    }
}

/// <summary>ReportEvents with Redis configured but unreachable: degraded, never failed.</summary>
public sealed class ReportEventsRedisDownTests
{
    [Fact]
    public async Task ReportEvents_RedisUnreachable_AnswersDegradedWithNothingAccepted()
    {
        var port = Loopback.FreePort();
        using var factory = new QueryRecFactory(new Dictionary<string, string?>
        {
            ["QueryRec:Store:Redis"] = $"127.0.0.1:{port},connectTimeout=200",
            ["QueryRec:Realtime:StoreBudget"] = "00:00:00.300",
        });
        var client = factory.CreateClient(factory.CreateChannel());
        var request = new ReportEventsRequest
        {
            Events = { new Event { EventId = "e1", Type = EventType.SearchSubmitted, Time = Timestamp.FromDateTimeOffset(TimeProvider.System.GetUtcNow()), DeviceId = "dev", Query = "tv" } },
        };

        var response = await client.ReportEventsAsync(request);

        Assert.True(response.Metadata.Degraded);
        Assert.Contains(Assert.Single(response.Metadata.DegradedReasons), new[] { "realtime_store_error", "realtime_store_timeout" });
        Assert.Equal(0, response.Accepted);
    }
}
