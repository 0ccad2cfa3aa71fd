using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Serving.Recall;

/// <summary>
/// The trending snapshot's reference is part of the Suggest response cache's key: a refresh that reads the same list
/// keeps it, one that reads a changed list replaces it.
/// </summary>
public sealed class TrendingRefreshTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly EmbeddedRealtimeStore _store;
    private readonly TrendingQueries _trending;

    public TrendingRefreshTests()
    {
        _store = new EmbeddedRealtimeStore(
            new RealtimeOptions { TrendingBucket = TimeSpan.FromMinutes(5), TrendingWindow = TimeSpan.FromHours(1) }, _time);
        var options = new FixedOptionsMonitor<TrendingOptions>(new TrendingOptions { MinDistinctUsers = 1 });
        _trending = new TrendingQueries(_store, options, _time, EventClock.Live(_time), NullLogger<TrendingQueries>.Instance);
    }

    [Fact]
    public async Task RefreshAsync_SameContent_KeepsTheSnapshot()
    {
        await SearchAsync("u:1", "halo");
        await _trending.RefreshAsync();
        var first = _trending.Current;

        _time.Advance(TimeSpan.FromSeconds(5));
        await _trending.RefreshAsync();

        Assert.Equal("halo", Assert.Single(first.Eligible).Query);
        Assert.Same(first, _trending.Current);
    }

    [Fact]
    public async Task RefreshAsync_ChangedContent_PublishesANewSnapshot()
    {
        await SearchAsync("u:1", "halo");
        await _trending.RefreshAsync();
        var first = _trending.Current;

        await SearchAsync("u:2", "halo");
        _time.Advance(TimeSpan.FromSeconds(5));
        await _trending.RefreshAsync();

        Assert.NotSame(first, _trending.Current);
        Assert.Equal(2, Assert.Single(_trending.Current.Eligible).Count);
    }

    private Task SearchAsync(string subject, string query)
        => _store.ApplyAsync([new RealtimeUpdate(RealtimeUpdateKind.Trending, subject, query, _time.GetUtcNow().AddSeconds(-1))]);
}
