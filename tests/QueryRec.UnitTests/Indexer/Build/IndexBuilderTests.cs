using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

public sealed class IndexBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    private static LogEvent Search(string user, string query) => new(LogEventType.Search, user, query, T0);

    private static LogEvent Click(string user, string query, string? category) => new(LogEventType.Click, user, query, T0.AddSeconds(5), "sku", category);

    /// <summary>
    /// n searches of the query, one second apart from T0, by users "{query}#u0".."{query}#u(users-1)" round robin:
    /// users are distinct per query so that no two queries share a session (no fragment, no q2q), and no two
    /// searches of a user share an instant (no duplicate).
    /// </summary>
    private static IEnumerable<LogEvent> Searches(string query, int n, int users = 1)
        => Enumerable.Range(0, n).Select(i => new LogEvent(LogEventType.Search, query + "#u" + (i % users), query, T0.AddSeconds(i)));

    private static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions? options = null)
        => IndexBuilder.Build(events, (options ?? new BuildOptions { MinCount = 1 }) with { PruneCompleteNodes = false }, Clock); // every node: these tests read the table layout

    private static PrefixNode? Node(IndexBuild build, string prefix)
    {
        var record = build.Records.FirstOrDefault(r => r.Key == IndexKeys.Prefix(prefix));
        return record.Key is null ? null : PrefixNode.Parser.ParseFrom(record.Value);
    }

    private static QueryStats? Stats(IndexBuild build, string query)
    {
        var record = build.Records.FirstOrDefault(r => r.Key == IndexKeys.Query(query));
        return record.Key is null ? null : QueryStats.Parser.ParseFrom(record.Value);
    }

    [Fact]
    public void Build_MinCountAndMinUsers_RemoveQueriesAndCountEachRule()
    {
        // "a1": 1 search -> below min-count 2. "a2": 3 searches by 1 user -> below min-users 2.
        // "a3": 2 searches by 2 users -> kept. "a4": 1 search by 1 user -> below min-count (count rule first).
        var events = Searches("a1", 1).Concat(Searches("a2", 3, users: 1)).Concat(Searches("a3", 2, users: 2)).Concat(Searches("a4", 1));

        var result = Build(events, new BuildOptions { MinCount = 2, MinUsers = 2 });

        Assert.Equal(4, result.Summary.QueriesSeen);
        Assert.Equal(2, result.Summary.RemovedByMinCount);
        Assert.Equal(1, result.Summary.RemovedByMinUsers);
        Assert.Equal(1, result.Summary.QueriesKept);
        Assert.NotNull(Stats(result.Build, "a3"));
        Assert.Null(Stats(result.Build, "a1"));
        Assert.Null(Stats(result.Build, "a2"));
        Assert.Equal(["a3"], Node(result.Build, "a")!.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Build_TopK_KeepsKBestByScoreThenUsersThenText()
    {
        // Scores (counts): b=5, d=4, c=4 (3 users), e=4 (3 users), a=1.
        // Expected order: b(5); then among count 4: c and e (3 users) before d (1 user), c before e by text.
        var events = Searches("xb", 5)
            .Concat(Searches("xd", 4, users: 1))
            .Concat(Searches("xe", 4, users: 3))
            .Concat(Searches("xc", 4, users: 3))
            .Concat(Searches("xa", 1));

        var result = Build(events, new BuildOptions { MinCount = 1, TopK = 3 });

        var node = Node(result.Build, "x")!;
        Assert.Equal(["xb", "xc", "xe"], node.Completions.Select(c => c.Text));
        // Scores are decayed popularity: with a 7-day half-life, seconds of age change them by < 1e-5.
        Assert.Equal([5L, 4L, 4L], node.Completions.Select(c => c.Count));
        Assert.All(node.Completions, c => Assert.Equal(c.Count, c.Score, 0.001));
        Assert.Equal([1, 3, 3], node.Completions.Select(c => c.DistinctUsers));
        Assert.Equal(["xd"], Node(result.Build, "xd")!.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Build_FullTie_OrdersByTextOrdinal()
    {
        var events = Searches("tz", 2).Concat(Searches("tB", 2)).Concat(Searches("ta", 2));

        var result = Build(events);

        // Normalization lower-cases "tB" to "tb"; ordinal order of "ta", "tb", "tz".
        Assert.Equal(["ta", "tb", "tz"], Node(result.Build, "t")!.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Build_PrefixNode_HoldsOnlyQueriesStartingWithThePrefix()
    {
        var events = Searches("gears of war", 3).Concat(Searches("gear", 2)).Concat(Searches("games", 9)).Concat(Searches("ipad", 7));

        var result = Build(events);

        foreach (var record in result.Build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.PrefixKind))
        {
            var prefix = record.Key[2..];
            var node = PrefixNode.Parser.ParseFrom(record.Value);
            Assert.NotEmpty(node.Completions);
            Assert.All(node.Completions, c => Assert.StartsWith(prefix, c.Text, StringComparison.Ordinal));
        }

        Assert.Equal(["games", "gears of war", "gear"], Node(result.Build, "g")!.Completions.Select(c => c.Text));
        Assert.Equal(["gears of war", "gear"], Node(result.Build, "gea")!.Completions.Select(c => c.Text));
        Assert.Equal(["gears of war"], Node(result.Build, "gears ")!.Completions.Select(c => c.Text));
        Assert.Null(Node(result.Build, "x"));
    }

    [Fact]
    public void Build_CategoryHint_IsTheMostClickedCategory()
    {
        var events = Searches("tv", 3).Concat(
        [
            Click("u1", "tv", "audio"),
            Click("u1", "tv", "televisions"),
            Click("u2", "TV", "televisions"),
            Click("u3", "tv", null),
        ]);

        var result = Build(events);

        var stats = Stats(result.Build, "tv")!;
        Assert.Equal("televisions", stats.CategoryHint);
        Assert.Equal(4, stats.Clicks);
        Assert.Equal("televisions", Node(result.Build, "t")!.Completions.Single().CategoryHint);
    }

    [Fact]
    public void Build_NoCategorizedClicks_LeavesCategoryHintEmpty()
    {
        var result = Build(Searches("radio", 2).Append(Click("u1", "radio", null)));

        Assert.Equal(string.Empty, Stats(result.Build, "radio")!.CategoryHint);
    }

    [Fact]
    public void Build_QueriesDifferingInCaseAndSpaces_MergeIntoOneNormalizedQuery()
    {
        var events = new[] { Search("u1", "Gears  of War"), Search("u2", "gears of war"), Search("u3", " GEARS OF WAR ") };

        var result = Build(events, new BuildOptions { MinCount = 3 });

        Assert.Equal(1, result.Summary.QueriesSeen);
        var stats = Stats(result.Build, "gears of war")!;
        Assert.Equal(3, stats.Count);
        Assert.Equal(3, stats.DistinctUsers);
    }

    [Fact]
    public void Build_MaxPrefixLength_IndexesNoLongerPrefix()
    {
        var result = Build(Searches("abcdefgh", 2), new BuildOptions { MinCount = 1, MaxPrefixLength = 4 });

        var prefixes = result.Build.Records.Where(r => IndexKeys.KindOf(r.Key) == IndexKeys.PrefixKind).Select(r => r.Key[2..]).ToList();
        Assert.Equal(["a", "ab", "abc", "abcd"], prefixes);
        Assert.Equal(4, result.Summary.PrefixNodes);
    }

    [Fact]
    public void Build_ChineseQueries_IndexedPerCharacter()
    {
        var events = Searches("华为手机", 3).Concat(Searches("华为耳机", 2)).Concat(Searches("手机壳", 2));

        var result = Build(events);

        Assert.Equal(["华为手机", "华为耳机"], Node(result.Build, "华")!.Completions.Select(c => c.Text));
        Assert.Equal(["华为手机", "华为耳机"], Node(result.Build, "华为")!.Completions.Select(c => c.Text));
        Assert.Equal(["华为耳机"], Node(result.Build, "华为耳")!.Completions.Select(c => c.Text));
        Assert.Equal(["手机壳"], Node(result.Build, "手")!.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Build_SameInputTwice_SameChecksumAndVersion()
    {
        var events = Searches("b", 3, users: 2).Concat(Searches("ab", 2)).Append(Click("u1", "ab", "c1")).ToList();

        var first = Build(events);
        var second = Build(Enumerable.Reverse(events));

        Assert.Equal(first.Build.Manifest.Checksum, second.Build.Manifest.Checksum);
        Assert.Equal(first.Summary.Version, second.Summary.Version);
        Assert.StartsWith("20261129T101500Z-", first.Summary.Version, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DifferentInput_DifferentChecksum()
    {
        var first = Build(Searches("b", 3));
        var second = Build(Searches("b", 4));

        Assert.NotEqual(first.Build.Manifest.Checksum, second.Build.Manifest.Checksum);
    }

    [Fact]
    public void Build_ExplicitVersion_IsUsed()
    {
        var result = Build(Searches("b", 3), new BuildOptions { MinCount = 1, Version = "v-test.1" });

        Assert.Equal("v-test.1", result.Build.Version);
    }

    [Fact]
    public void Build_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentException>(() => Build(Searches("b", 3), new BuildOptions { TopK = 0 }));
    }
}
