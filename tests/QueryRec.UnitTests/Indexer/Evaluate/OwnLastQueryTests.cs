using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class OwnLastQueryTests
{
    private const double Tolerance = 1e-9;

    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private static LogEvent Search(string user, string query, DateTimeOffset time) => new(LogEventType.Search, user, query, time);

    [Fact]
    public void Flags_SameUserSameQuery23HoursEarlier_Counts()
    {
        List<LogEvent> events = [Search("u1", "xbox 360", Split.AddHours(1)), Search("u1", "xbox 360", Split.AddHours(24))];

        var flags = OwnLastQuery.Flags(events, Split);

        Assert.Equal([false, true], flags);
    }

    [Fact]
    public void Flags_SameUserSameQuery25HoursEarlier_DoesNotCount()
    {
        List<LogEvent> events = [Search("u1", "xbox 360", Split.AddHours(1)), Search("u1", "xbox 360", Split.AddHours(26))];

        var flags = OwnLastQuery.Flags(events, Split);

        Assert.Equal([false, false], flags);
    }

    [Fact]
    public void Flags_ExactlyOneDayEarlier_Counts()
    {
        List<LogEvent> events = [Search("u1", "xbox 360", Split.AddHours(2)), Search("u1", "xbox 360", Split.AddHours(26))];

        var flags = OwnLastQuery.Flags(events, Split);

        Assert.Equal([false, true], flags);
    }

    [Fact]
    public void Flags_OtherUserSearchedIt_DoesNotCount()
    {
        List<LogEvent> events = [Search("u1", "xbox 360", Split.AddHours(1)), Search("u2", "xbox 360", Split.AddHours(2))];

        var flags = OwnLastQuery.Flags(events, Split);

        Assert.Equal([false, false], flags);
    }

    [Fact]
    public void Flags_OtherQueryOfTheSameUser_DoesNotCount()
    {
        List<LogEvent> events = [Search("u1", "xbox 360", Split.AddHours(1)), Search("u1", "xbox kinect", Split.AddHours(2))];

        var flags = OwnLastQuery.Flags(events, Split);

        Assert.Equal([false, false], flags);
    }

    [Fact]
    public void Flags_EarlierSearchBeforeTheSplit_CountsAndIsNoTestSearchItself()
    {
        // The 22:00 search is before the split: not a test search (no flag of its own), but it makes the 06:00 one a repeat.
        List<LogEvent> events =
        [
            Search("u1", "Xbox  360", Split.AddHours(-2)),
            new LogEvent(LogEventType.Click, "u1", "xbox 360", Split.AddHours(-1), ItemId: "sku1"),
            Search("u1", "xbox 360", Split.AddHours(6)),
        ];

        var flags = OwnLastQuery.Flags(events, Split);

        Assert.Equal([true], flags);
    }

    [Fact]
    public void Compute_FlaggedSearch_CountsOnlyPrefixesOfThreeRunesOrMore()
    {
        // Flagged "abcd": L1 rank 1 and L2 rank 1 are left out (shorter than 3 runes); L3 rank 2, L4 absent → (1/2 + 0) / 2.
        // The unflagged "abce" (rank 1 everywhere) is left out; the flagged "ab" (2 runes) has no pair from L3 on.
        ReplayCase[] cases =
        [
            new("abcd", [["abcd"], ["abcd"], ["abcx", "abcd"], ["abcx"]]),
            new("abce", [["abce"], ["abce"], ["abce"], ["abce"]]),
            new("ab", [["ab"], ["ab"]]),
        ];

        var metrics = OwnLastQuery.Compute(cases, [true, false, true], maxPrefix: 10, matchKey: null);

        Assert.Equal(2, metrics.Searches);
        Assert.Equal(2, metrics.Cases);
        Assert.Equal(0.25, metrics.Mrr10, Tolerance);
        Assert.Equal(0, metrics.Success1, Tolerance);
        Assert.Equal(0.5, metrics.Success5, Tolerance);
        Assert.Equal(0.5, metrics.Success10, Tolerance);
    }

    [Fact]
    public void Compute_NoFlaggedSearch_ZeroCasesAndZeroMetrics()
    {
        ReplayCase[] cases = [new("abcd", [["abcd"], ["abcd"], ["abcd"]])];

        var metrics = OwnLastQuery.Compute(cases, [false], maxPrefix: 10, matchKey: null);

        Assert.Equal(new OwnLastQueryMetrics(0, 0, 0, 0, 0, 0), metrics);
    }

    [Fact]
    public void Compute_FlagsNotAlignedWithCases_Throws()
    {
        ReplayCase[] cases = [new("abcd", [["abcd"]])];

        Assert.Throws<ArgumentException>(() => OwnLastQuery.Compute(cases, [true, false], maxPrefix: 10, matchKey: null));
    }
}
