using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;

namespace QueryRec.UnitTests.Indexer.Evaluate;

public sealed class PushCasesTests
{
    private static readonly DateTimeOffset Split = new(2011, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private static LogEvent Search(string user, string query, double hours) => new(LogEventType.Search, user, query, Split.AddHours(hours));

    private static LogEvent Click(string user, double hours) => new(LogEventType.Click, user, "x", Split.AddHours(hours), "sku");

    [Fact]
    public void Of_ActiveSubjectDays_WithLastQueryBeforeTheDay_SearchesWithinTheHorizon_AndRecentSearches()
    {
        List<LogEvent> events =
        [
            Search("u1", "Halo 3", -30), // 30 h before the split: recent, the last query before day 0
            Click("u1", 2), // active on day 0 without searching that day
            Search("u1", "halo 4", 50), // day 2: within day 0's horizon and day 2's own
            Search("u2", "tv", 10), // active on day 0
            Search("u2", "tv stand", 80), // day 3: past day 0's horizon
            Search("u3", "late", 24 * 5), // the log's end: day 5
        ];

        var days = PushCases.Of(events, Split, PushCases.DefaultHorizon);

        // Days whose whole 3-day horizon is within the log (it ends at day 5): 0, 1 and 2; only 0 and 2 have events.
        Assert.Equal([Split, Split.AddDays(2)], days.Keys);
        Assert.Equal(
            [new PushCase("u1", Split, "halo 3", ["halo 4"], ["halo 3"]), new PushCase("u2", Split, string.Empty, ["tv"], [])],
            days[Split],
            PushCaseComparer.Instance);
        var day2 = Assert.Single(days[Split.AddDays(2)]);
        Assert.Equal(new PushCase("u1", Split.AddDays(2), "halo 3", ["halo 4"], ["halo 3"]), day2, PushCaseComparer.Instance); // 78 h before: recent
    }

    [Fact]
    public void NewSearches_DropsNearDuplicatesOfRecentSearches()
    {
        var c = new PushCase("u1", Split, "iphone 15", ["iphone15", "iphone 15 case"], ["iphone 15"]);

        Assert.Equal(["iphone 15 case"], c.NewSearches());
    }

    private sealed class PushCaseComparer : IEqualityComparer<PushCase>
    {
        public static readonly PushCaseComparer Instance = new();

        public bool Equals(PushCase? x, PushCase? y)
            => x is not null && y is not null && x.UserId == y.UserId && x.Day == y.Day && x.LastQuery == y.LastQuery
                && x.Searched.SequenceEqual(y.Searched) && x.Recent.SequenceEqual(y.Recent);

        public int GetHashCode(PushCase obj) => obj.UserId.GetHashCode(StringComparison.Ordinal);
    }
}
