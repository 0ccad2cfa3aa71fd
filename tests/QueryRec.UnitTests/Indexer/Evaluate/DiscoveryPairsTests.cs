using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class DiscoveryPairsTests
{
    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private static LogEvent Search(string user, string query, double minutes) => new(LogEventType.Search, user, query, Split.AddMinutes(minutes));

    private static LogEvent Click(string user, string query, double minutes, string item) => new(LogEventType.Click, user, query, Split.AddMinutes(minutes), item, "cat-" + item);

    [Fact]
    public void Of_TwoSearchesWithin30Minutes_PairsThemWithTheItemClickedBetween()
    {
        var next = Search("u1", "PS3 Controller", 20);
        List<LogEvent> events = [Search("u1", "playstation 3", 0), Click("u1", "playstation 3", 5, "sku1"), next];

        var pairs = DiscoveryPairs.Of(events, Split, DiscoveryPairs.DefaultGap);

        var pair = Assert.Single(pairs);
        Assert.Same(next, pair.Key);
        Assert.Equal(new DiscoveryPair("u1", "playstation 3", "ps3 controller", "sku1", "cat-sku1"), pair.Value);
    }

    [Fact]
    public void Of_GapLongerThan30Minutes_NoPair()
    {
        List<LogEvent> events = [Search("u1", "playstation 3", 0), Search("u1", "ps3 controller", 31)];

        Assert.Empty(DiscoveryPairs.Of(events, Split, DiscoveryPairs.DefaultGap));
    }

    [Fact]
    public void Of_OtherUsersAndRepeatedQuery_PairOnlyConsecutiveDifferentSearchesOfOneUser()
    {
        List<LogEvent> events =
        [
            Search("u1", "ipad", 0),
            Search("u2", "kindle", 1),
            Search("u1", "ipad", 2), // a repeat: no pair, but the previous search of the next one
            Search("u1", "ipad case", 40), // 38 minutes after the repeat: no pair
            Search("u2", "kindle fire", 10),
        ];

        var pairs = DiscoveryPairs.Of(events, Split, DiscoveryPairs.DefaultGap);

        var pair = Assert.Single(pairs).Value;
        Assert.Equal(("kindle", "kindle fire", string.Empty), (pair.Query, pair.Next, pair.ItemId));
    }

    [Fact]
    public void Of_FirstSearchBeforeSplit_NoPair()
    {
        List<LogEvent> events = [Search("u1", "playstation 3", -5), Search("u1", "ps3 controller", 5)];

        Assert.Empty(DiscoveryPairs.Of(events, Split, DiscoveryPairs.DefaultGap));
    }
}
