using CsCheck;
using QueryRec.Storage.Realtime;

namespace QueryRec.UnitTests.Storage.Realtime;

public sealed class TrendingBucketsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Count_WindowNotAMultipleOfTheBucket_RoundsUp()
    {
        var buckets = new TrendingBuckets(TimeSpan.FromMinutes(7), TimeSpan.FromMinutes(60));

        Assert.Equal(9, buckets.Count); // 60 / 7 = 8.57
    }

    [Fact]
    public void WindowAt_Noon_IsTheTwelveFiveMinuteBucketsEndingAtNoon()
    {
        var buckets = new TrendingBuckets(TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));

        var window = buckets.WindowAt(Noon.AddMinutes(3));

        Assert.Equal(12, window.Length);
        Assert.Equal(Noon.ToUnixTimeMilliseconds(), window[0]);
        Assert.Equal(Noon.AddMinutes(-55).ToUnixTimeMilliseconds(), window[^1]);
    }

    [Fact]
    public void StartOf_AnyTime_IsTheBucketBoundaryAtOrBeforeIt()
    {
        Gen.Select(Gen.Long[0, 4_000_000_000_000L], Gen.Int[10, 86_400]).Sample((ms, seconds) =>
        {
            var bucket = TimeSpan.FromSeconds(seconds);
            var start = new TrendingBuckets(bucket, TimeSpan.FromHours(1)).StartOf(DateTimeOffset.FromUnixTimeMilliseconds(ms));
            return start <= ms && ms < start + (seconds * 1000L) && start % (seconds * 1000L) == 0;
        });
    }

    [Fact]
    public void InWindow_AgreesWithWindowAt()
    {
        Gen.Select(Gen.Long[1_000_000_000_000L, 2_000_000_000_000L], Gen.Int[-30, 5]).Sample((ms, offset) =>
        {
            var buckets = new TrendingBuckets(TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
            var now = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            var start = buckets.StartOf(now) + (offset * 300_000L);
            return buckets.InWindow(start, now) == buckets.WindowAt(now).Contains(start);
        });
    }

    [Fact]
    public void TimeToLive_BucketInTheWindow_LastsUntilItLeavesIt()
    {
        var buckets = new TrendingBuckets(TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        var start = Noon.ToUnixTimeMilliseconds();

        var ttl = buckets.TimeToLive(start, Noon.AddMinutes(2));

        // The noon bucket leaves the window at 13:00; one more bucket of slack makes 13:05.
        Assert.Equal(TimeSpan.FromMinutes(63), ttl);
        Assert.False(buckets.InWindow(start, Noon.AddHours(1)));
        Assert.True(buckets.InWindow(start, Noon.AddMinutes(59)));
    }
}
