using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Recall;

/// <summary>
/// Accepted searches refresh the trending list before its interval is up once they amount to the early-refresh share
/// of what the list counts: a burst must not be answered from a list thousands of searches old.
/// </summary>
public sealed class TrendingEarlyRefreshTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly EmbeddedRealtimeStore _store;

    public TrendingEarlyRefreshTests()
        => _store = new EmbeddedRealtimeStore(
            new RealtimeOptions { TrendingBucket = TimeSpan.FromMinutes(5), TrendingWindow = TimeSpan.FromHours(1) }, _time);

    [Fact]
    public async Task NoteSearches_FewerThanTheMinimum_StartNoRefresh()
    {
        var trending = Create(new TrendingOptions { MinDistinctUsers = 1, EarlyRefreshMinSearches = 10 });
        await SearchAsync("halo", 9);

        Assert.Null(trending.NoteSearches(9));
        Assert.Empty(trending.Current.Eligible);
    }

    [Fact]
    public async Task NoteSearches_ReachingTheMinimumOnAnEmptyList_RefreshesWithoutTheTimer()
    {
        var trending = Create(new TrendingOptions { MinDistinctUsers = 1, EarlyRefreshMinSearches = 10 });
        await SearchAsync("halo", 6);
        Assert.Null(trending.NoteSearches(6));
        await SearchAsync("halo", 4);

        var refresh = trending.NoteSearches(4);

        Assert.NotNull(refresh);
        await refresh;
        Assert.Equal(10, Assert.Single(trending.Current.Eligible).Count);
    }

    [Fact]
    public async Task NoteSearches_WaitForTheShareOfWhatTheListCounts()
    {
        var trending = Create(new TrendingOptions { MinDistinctUsers = 1, EarlyRefreshMinSearches = 1, EarlyRefreshShare = 0.1 });
        await SearchAsync("halo", 500);
        await trending.RefreshAsync();
        _time.Advance(TimeSpan.FromSeconds(1));

        // The list counts 500 searches: 10 % of it is 50.
        await SearchAsync("zelda", 49);
        Assert.Null(trending.NoteSearches(49));
        await SearchAsync("zelda", 1);
        var refresh = trending.NoteSearches(1);

        Assert.NotNull(refresh);
        await refresh;
        Assert.Contains(trending.Current.Eligible, t => t.Query == "zelda" && t.Count == 50);
    }

    [Fact]
    public async Task NoteSearches_SoonAfterARefresh_WaitForTheMinimumGap()
    {
        var trending = Create(new TrendingOptions { MinDistinctUsers = 1, EarlyRefreshMinSearches = 1 });
        await SearchAsync("halo", 1);
        await trending.RefreshAsync();

        await SearchAsync("zelda", 1);
        Assert.Null(trending.NoteSearches(1));
        _time.Advance(TrendingQueries.EarlyRefreshMinGap);
        var refresh = trending.NoteSearches(1);

        Assert.NotNull(refresh);
        await refresh;
        Assert.Contains(trending.Current.Eligible, t => t.Query == "zelda");
    }

    [Fact]
    public async Task NoteSearches_ShareZero_TurnsEarlyRefreshOff()
    {
        var trending = Create(new TrendingOptions { MinDistinctUsers = 1, EarlyRefreshMinSearches = 1, EarlyRefreshShare = 0 });
        await SearchAsync("halo", 100);

        Assert.Null(trending.NoteSearches(100));
        Assert.Empty(trending.Current.Eligible);
    }

    [Fact]
    public async Task NoteSearches_UnderTheReplayClock_LeaveRefreshesToReplayedTime()
    {
        var replay = new ReplayClock(_time.GetUtcNow());
        var trending = new TrendingQueries(
            _store, new FixedOptionsMonitor<TrendingOptions>(new TrendingOptions { MinDistinctUsers = 1, EarlyRefreshMinSearches = 1 }),
            _time, EventClock.ForReplay(replay), NullLogger<TrendingQueries>.Instance);
        await SearchAsync("halo", 100);

        Assert.Null(trending.NoteSearches(100));
    }

    private TrendingQueries Create(TrendingOptions options)
        => new(_store, new FixedOptionsMonitor<TrendingOptions>(options), _time, EventClock.Live(_time), NullLogger<TrendingQueries>.Instance);

    private async Task SearchAsync(string query, int searches)
    {
        var updates = new List<RealtimeUpdate>(searches);
        for (var i = 0; i < searches; i++)
        {
            updates.Add(new RealtimeUpdate(RealtimeUpdateKind.Trending, $"u:{query}{i}", query, _time.GetUtcNow().AddSeconds(-1)));
        }

        await _store.ApplyAsync(updates);
    }
}
