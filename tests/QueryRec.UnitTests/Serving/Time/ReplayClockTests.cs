using QueryRec.Serving.Time;

namespace QueryRec.UnitTests.Serving.Time;

/// <summary>The replay clock: "now" follows replayed event times, forward only.</summary>
public sealed class ReplayClockTests
{
    private static readonly DateTimeOffset T0 = new(2011, 9, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AdvanceTo_MovesForwardOnly()
    {
        var clock = new ReplayClock(T0);

        Assert.Equal(T0.AddHours(1), clock.AdvanceTo(T0.AddHours(1)));
        Assert.Equal(T0.AddHours(1), clock.AdvanceTo(T0));
        Assert.Equal(T0.AddHours(1), clock.GetUtcNow());
    }

    [Fact]
    public void Unstarted_FirstAdvanceStartsIt_EvenBackwardsFromTheWallClock()
    {
        var clock = new ReplayClock();
        Assert.False(clock.IsStarted);
        var wall = TimeProvider.System.GetUtcNow();
        Assert.True(clock.GetUtcNow() >= wall); // the wall clock until started

        clock.AdvanceTo(T0);

        Assert.True(clock.IsStarted);
        Assert.Equal(T0, clock.GetUtcNow());
    }

    [Fact]
    public void StartAt_OnlyWhenNotStarted()
    {
        var configured = new ReplayClock(T0);
        var unset = new ReplayClock();

        configured.StartAt(T0.AddDays(5));
        unset.StartAt(T0.AddDays(5));

        Assert.Equal(T0, configured.GetUtcNow());
        Assert.Equal(T0.AddDays(5), unset.GetUtcNow());
    }

    [Fact]
    public void Timestamps_StayOnTheRealClock()
    {
        var clock = new ReplayClock(T0);

        Assert.Equal(TimeProvider.System.TimestampFrequency, clock.TimestampFrequency);
        var before = TimeProvider.System.GetTimestamp();
        Assert.True(clock.GetTimestamp() >= before);
    }
}
