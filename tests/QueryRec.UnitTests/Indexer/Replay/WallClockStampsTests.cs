using Microsoft.Extensions.Time.Testing;
using QueryRec.Indexer.Replay;

namespace QueryRec.UnitTests.Indexer.Replay;

public sealed class WallClockStampsTests
{
    private static readonly DateTimeOffset Wall = new(2026, 12, 7, 9, 0, 0, 250, TimeSpan.Zero);

    [Fact]
    public void Next_FirstEvent_TenSecondsBehindTheWallClock()
    {
        var stamps = new WallClockStamps(new FakeTimeProvider(Wall));

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 8, 59, 50, 250, TimeSpan.Zero), stamps.Next("u1"));
    }

    [Fact]
    public void Next_SameUserTwiceInOneMillisecond_SecondOneMillisecondLater()
    {
        var stamps = new WallClockStamps(new FakeTimeProvider(Wall));

        var first = stamps.Next("u1");
        var second = stamps.Next("u1");

        Assert.Equal(first.AddMilliseconds(1), second);
    }

    [Fact]
    public void Next_OtherUsersInOneMillisecond_ShareTheStampButNeverGoBack()
    {
        // u1 twice pushes the stamp 1 ms ahead of the wall; u2 then gets that later stamp, not the wall's.
        var stamps = new WallClockStamps(new FakeTimeProvider(Wall));

        var u1First = stamps.Next("u1");
        var u1Second = stamps.Next("u1");
        var u2 = stamps.Next("u2");

        Assert.Equal(u1First.AddMilliseconds(1), u1Second);
        Assert.Equal(u1Second, u2);
    }

    [Fact]
    public void Next_WallClockMoves_StampFollowsIt()
    {
        var wall = new FakeTimeProvider(Wall);
        var stamps = new WallClockStamps(wall);

        stamps.Next("u1");
        wall.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(new DateTimeOffset(2026, 12, 7, 8, 59, 53, 250, TimeSpan.Zero), stamps.Next("u1"));
    }
}
