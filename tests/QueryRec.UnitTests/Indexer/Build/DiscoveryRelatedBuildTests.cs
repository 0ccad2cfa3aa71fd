using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>The Discover RELATED lists (rd:) on hand-built logs; expected scores are worked out in the comments.</summary>
public sealed class DiscoveryRelatedBuildTests
{
    private static readonly DateTimeOffset End = new(2026, 1, 10, 12, 30, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    private static LogEvent S(string user, string query, double minutes) => new(LogEventType.Search, user, query, End.AddMinutes(minutes));

    private static LogEvent Click(string user, string query, double minutes, string item, string? category = null) => new(LogEventType.Click, user, query, End.AddMinutes(minutes), item, category);

    /// <summary>Each user searches once and clicks one item: a one-query session, so no transition links anything.</summary>
    private static IEnumerable<LogEvent> SearchAndClick(string user, string query, string item, string? category = null, double minutes = -60)
        => [S(user, query, minutes), Click(user, query, minutes + 1, item, category)];

    private static RelatedQueries? Related(IEnumerable<LogEvent> events, string query)
    {
        var build = IndexBuilder.Build(events, new BuildOptions { MinCount = 1 }, Clock).Build;
        var record = build.Records.FirstOrDefault(r => r.Key == IndexKeys.DiscoveryRelated(query));
        return record.Key is null ? null : RelatedQueries.Parser.ParseFrom(record.Value);
    }

    [Fact]
    public void Build_CoClick_FindsPs3ControllerFromPlaystation3ThroughASharedItem()
    {
        // One item, clicked after both queries by two users: weights 1, n(i) = 2, so 1/log2(4) · 1 · 1 / sqrt(1 · 1) = 0.5.
        var events = SearchAndClick("u1", "playstation 3", "sku-dualshock").Concat(SearchAndClick("u2", "ps3 controller", "sku-dualshock"));

        var related = Related(events, "playstation 3")!;

        var entry = Assert.Single(related.Queries);
        Assert.Equal(("ps3 controller", RelatedSource.CoClick), (entry.Text, entry.Source));
        Assert.Equal(0.5, entry.Score, 12);
    }

    [Fact]
    public void Build_CoClick_AnItemClickedFromManyQueriesLinksLess()
    {
        // "tablet" clicks x (shared with "ipad" only) and y (shared with "kindle", "nook", "kobo"): |tablet|² = 2.
        // tablet–ipad: 1/log2(2 + 2) / sqrt(2) = 0.35355; tablet–kindle: 1/log2(2 + 4) / sqrt(2) = 0.27362.
        var events = new List<LogEvent>();
        events.AddRange(SearchAndClick("u1", "tablet", "x"));
        events.AddRange(SearchAndClick("u2", "tablet", "y", minutes: -30));
        events.AddRange(SearchAndClick("u3", "ipad", "x"));
        foreach (var q in (string[])["kindle", "nook", "kobo"])
        {
            events.AddRange(SearchAndClick("u-" + q, q, "y"));
        }

        var related = Related(events, "tablet")!;

        Assert.Equal("ipad", related.Queries[0].Text);
        Assert.Equal(["kindle", "kobo", "nook"], related.Queries.Skip(1).Select(static q => q.Text).Order(StringComparer.Ordinal));
        Assert.Equal(1 / Math.Sqrt(2) / 2, related.Queries[0].Score, 5);
        Assert.Equal(1 / Math.Log2(6) / Math.Sqrt(2), related.Queries[1].Score, 5);
    }

    [Fact]
    public void Build_SharedWords_LinksWordSharingQueriesButNotRefinements()
    {
        // N = 3 queries; idf(wireless) = ln(1 + 3/3), idf(mouse) = ln(1 + 3/2), idf(keyboard) = idf(pad) = ln(1 + 3/1).
        // "wireless mouse pad" holds every word of "wireless mouse": a refinement (REFINE shows it), not related here.
        // Jaccard(wireless mouse, wireless keyboard) = ln 2 / (ln 2 + ln 2.5 + ln 4) = 0.23137.
        var events = new[] { S("u1", "wireless mouse", -60), S("u2", "wireless keyboard", -60), S("u3", "wireless mouse pad", -60) };

        var related = Related(events, "wireless mouse")!;

        var entry = Assert.Single(related.Queries);
        Assert.Equal(("wireless keyboard", RelatedSource.SharedWords), (entry.Text, entry.Source));
        Assert.Equal(Math.Log(2) / (Math.Log(2) + Math.Log(2.5) + Math.Log(4)), entry.Score, 12);
    }

    [Fact]
    public void Build_CategoryHot_FillsAListFromTheQuerysCategoryMostPopularFirst()
    {
        // Three queries of category "tv", no shared word, item or session: only the fill links them. "oled 55" is
        // searched by two users, so it is more popular than "hdmi cable".
        var events = new List<LogEvent>();
        events.AddRange(SearchAndClick("u1", "sofa table", "i1", "tv"));
        events.AddRange(SearchAndClick("u2", "oled 55", "i2", "tv"));
        events.AddRange(SearchAndClick("u3", "oled 55", "i3", "tv"));
        events.AddRange(SearchAndClick("u4", "hdmi cable", "i4", "tv"));
        events.AddRange(SearchAndClick("u5", "garden hose", "i5", "garden"));

        var related = Related(events, "sofa table")!;

        Assert.Equal(["oled 55", "hdmi cable"], related.Queries.Select(static q => q.Text));
        Assert.All(related.Queries, static q => Assert.Equal(RelatedSource.CategoryHot, q.Source));
    }

    [Fact]
    public void Build_QueryLinkedBySessionAndClicks_AppearsOnceAsQ2q()
    {
        // alpha → beta in two sessions and gamma → delta in a third (so alpha → beta is a positive association);
        // alpha and beta also share an item. beta is listed once, from q2q, the first source.
        var events = new List<LogEvent>
        {
            S("u1", "alpha", -10), Click("u1", "alpha", -9.5, "sku"), S("u1", "beta", -9), Click("u1", "beta", -8.5, "sku"),
            S("u2", "alpha", -10), S("u2", "beta", -9),
            S("u3", "gamma", -10), S("u3", "delta", -9),
        };

        var related = Related(events, "alpha")!;

        var entry = Assert.Single(related.Queries);
        Assert.Equal(("beta", RelatedSource.Q2Q), (entry.Text, entry.Source));
    }
}
