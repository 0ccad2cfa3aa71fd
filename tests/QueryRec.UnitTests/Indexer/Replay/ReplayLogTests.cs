using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;

namespace QueryRec.UnitTests.Indexer.Replay;

public sealed class ReplayLogTests
{
    private static readonly DateTimeOffset T0 = new(2011, 10, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WithoutRepeatedSearches_OneSearchPerClickRow_KeepsTheFirstSearchAndEveryClick()
    {
        // One search with two clicked results, as a one-row-per-click log writes it: two identical search rows.
        var events = new List<LogEvent>
        {
            new(LogEventType.Search, "u1", "iPad  2", T0),
            new(LogEventType.Click, "u1", "ipad 2", T0.AddSeconds(20), "sku1"),
            new(LogEventType.Search, "u1", "ipad 2", T0),
            new(LogEventType.Click, "u1", "ipad 2", T0.AddSeconds(40), "sku2"),
        };

        var kept = ReplayLog.WithoutRepeatedSearches(events, out var removed);

        Assert.Equal(1, removed);
        Assert.Equal([events[0], events[1], events[3]], kept);
    }

    [Fact]
    public void WithoutRepeatedSearches_SameQueryAtAnotherTimeOrByAnotherUser_IsKept()
    {
        var events = new List<LogEvent>
        {
            new(LogEventType.Search, "u1", "ipad", T0),
            new(LogEventType.Search, "u1", "ipad", T0.AddMinutes(5)),
            new(LogEventType.Search, "u2", "ipad", T0),
            new(LogEventType.Search, "u1", "ipad case", T0),
        };

        var kept = ReplayLog.WithoutRepeatedSearches(events, out var removed);

        Assert.Equal(0, removed);
        Assert.Equal(events, kept);
    }
}
