using QueryRec.Indexer.Build;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>Each hygiene rule removes its query and is counted; the operator files report bad lines with their numbers.</summary>
public sealed class BuildHygieneTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private readonly TempDirectory _dir = new();
    private int _user;

    public void Dispose() => _dir.Dispose();

    /// <summary>n searches of a query, each by a new user (so min-users never bites unless asked).</summary>
    private IEnumerable<LogEvent> Searches(string query, int n, int? results = null)
        => Enumerable.Range(0, n).Select(_ => new LogEvent(LogEventType.Search, "u" + _user++, query, T0, ResultCount: results)).ToList();

    private static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions options) => IndexBuilder.Build(events, options, Clock);

    private static QueryStats? Stats(IndexBuild build, string q)
    {
        var record = build.Records.FirstOrDefault(r => r.Key == IndexKeys.Query(q));
        return record.Key is null ? null : QueryStats.Parser.ParseFrom(record.Value);
    }

    [Fact]
    public void Build_NumericLongQuery_RemovedAsItemIdAndCounted()
    {
        // "1234567" (7 digits) and "123-456" (6 digits, '-' allowed) are item ids; "12345" (5 digits) and
        // "ps3 123456" (a word) are kept.
        var events = Searches("1234567", 2).Concat(Searches("123-456", 2)).Concat(Searches("12345", 2)).Concat(Searches("ps3 123456", 2));

        var result = Build(events, new BuildOptions());

        Assert.Equal(2, result.Summary.RemovedByNumeric);
        Assert.Null(Stats(result.Build, "1234567"));
        Assert.Null(Stats(result.Build, "123-456"));
        Assert.NotNull(Stats(result.Build, "12345"));
        Assert.NotNull(Stats(result.Build, "ps3 123456"));
    }

    [Fact]
    public void Build_BlacklistTermsAndRegex_RemoveMatchingQueriesAndCount()
    {
        // Term "knockoff" removes "cheap knockoff" (whole word) but not "knockoffs"; "re:^free\b" removes "free games".
        var blacklist = _dir.WriteLines("black.txt", "# operators' list", "Knockoff", "", "re:^free\\b");
        var lists = HygieneLists.Load(blacklist, null, null);
        var events = Searches("cheap knockoff", 2).Concat(Searches("knockoffs", 2)).Concat(Searches("free games", 2)).Concat(Searches("games free", 2));

        var result = Build(events, new BuildOptions { Lists = lists });

        Assert.Equal(2, result.Summary.RemovedByBlacklist);
        Assert.Null(Stats(result.Build, "cheap knockoff"));
        Assert.Null(Stats(result.Build, "free games"));
        Assert.NotNull(Stats(result.Build, "knockoffs"));
        Assert.NotNull(Stats(result.Build, "games free"));
    }

    [Fact]
    public void Build_MostlyZeroResultsInLog_RemovedAndCounted()
    {
        // "zzz": 5 searches with 0 results of 5 known -> share 1 >= 0.8, removed. "zz": 4 zero of 5 known -> 0.8,
        // removed. "z": 3 zero of 5 -> 0.6, kept. "unknown": no result counts -> kept.
        var events = Searches("zzz", 5, 0)
            .Concat(Searches("zz", 4, 0)).Concat(Searches("zz", 1, 7))
            .Concat(Searches("z", 3, 0)).Concat(Searches("z", 2, 9))
            .Concat(Searches("unknown", 2));

        var result = Build(events, new BuildOptions());

        Assert.Equal(2, result.Summary.RemovedByZeroResults);
        Assert.Null(Stats(result.Build, "zzz"));
        Assert.Null(Stats(result.Build, "zz"));
        Assert.Equal(3, Stats(result.Build, "z")!.ZeroResultSearches);
        Assert.NotNull(Stats(result.Build, "unknown"));
    }

    [Fact]
    public void Build_ExternalResultCountZero_RemovesQueryTheLogSaysNothingAbout()
    {
        // The file says "obsolete thing" has 0 results and "zzz" has 12: the file wins over the log.
        var counts = _dir.WriteLines("counts.tsv", "Obsolete Thing\t0", "zzz\t12");
        var lists = HygieneLists.Load(null, null, counts);
        var events = Searches("obsolete thing", 3).Concat(Searches("zzz", 3, 0));

        var result = Build(events, new BuildOptions { Lists = lists });

        Assert.Equal(1, result.Summary.RemovedByZeroResults);
        Assert.Null(Stats(result.Build, "obsolete thing"));
        Assert.NotNull(Stats(result.Build, "zzz"));
    }

    [Fact]
    public void Build_MinCountAndMinUsers_RemoveAndCount()
    {
        // "once": 1 search < min-count 2. "lonely": 3 searches by one user < min-users 2. "shared": 2 users, kept.
        var events = Searches("once", 1)
            .Concat(Enumerable.Range(0, 3).Select(i => new LogEvent(LogEventType.Search, "solo", "lonely", T0.AddMinutes(i))))
            .Concat(Searches("shared", 2));

        var result = Build(events, new BuildOptions { MinCount = 2, MinUsers = 2 });

        Assert.Equal(1, result.Summary.RemovedByMinCount);
        Assert.Equal(1, result.Summary.RemovedByMinUsers);
        Assert.Equal(1, result.Summary.QueriesKept);
        Assert.NotNull(Stats(result.Build, "shared"));
    }

    [Fact]
    public void Build_WhitelistPins_KeptDespiteRulesAndMarkedPinned()
    {
        // "rare gem": 1 search, below min-count 2, but pinned -> kept and counted as rescued. "brand new\tconsoles" is
        // pinned but never searched -> kept with count 0 and category hint "consoles". "1234567" is pinned: pins win
        // over the numeric rule too.
        var whitelist = _dir.WriteLines("white.txt", "rare gem", "Brand New\tconsoles", "1234567");
        var lists = HygieneLists.Load(null, whitelist, null);
        var events = Searches("rare gem", 1).Concat(Searches("1234567", 2)).Concat(Searches("other", 1));

        var result = Build(events, new BuildOptions { Lists = lists });

        Assert.Equal(3, result.Summary.Pinned);
        Assert.Equal(3, result.Summary.PinnedRescued);
        Assert.Equal(1, result.Summary.RemovedByMinCount); // "other"
        Assert.True(Stats(result.Build, "rare gem")!.Pinned);
        var brandNew = Stats(result.Build, "brand new")!;
        Assert.Equal((0L, true, "consoles"), (brandNew.Count, brandNew.Pinned, brandNew.CategoryHint));
        Assert.True(Stats(result.Build, "1234567")!.Pinned);
        var pins = PinList.Parser.ParseFrom(result.Build.Records.Single(r => r.Key == IndexKeys.Pins).Value);
        Assert.Equal(["1234567", "brand new", "rare gem"], pins.Pins.Select(p => p.Text));
    }

    [Fact]
    public void Load_BadRegexInBlacklist_ThrowsWithFileAndLineNumber()
    {
        var blacklist = _dir.WriteLines("black.txt", "# comment", "spam", "re:([unclosed");

        var ex = Assert.Throws<ListFileException>(() => HygieneLists.Load(blacklist, null, null));

        Assert.Equal(3, ex.LineNumber);
        Assert.StartsWith(blacklist + ":3: invalid regular expression", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhitelistLineWithThreeFields_ThrowsWithLineNumber()
    {
        var whitelist = _dir.WriteLines("white.txt", "ok", "a\tb\tc");

        var ex = Assert.Throws<ListFileException>(() => HygieneLists.Load(null, whitelist, null));

        Assert.Equal(2, ex.LineNumber);
        Assert.Contains("white.txt:2:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ResultCountNotANumber_ThrowsWithLineNumber()
    {
        var counts = _dir.WriteLines("counts.tsv", "a\t1", "b\tmany");

        var ex = Assert.Throws<ListFileException>(() => HygieneLists.Load(null, null, counts));

        Assert.Equal(2, ex.LineNumber);
        Assert.Contains("'many' is not a non-negative integer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BuildWithBadBlacklistLine_ExitCode1NamingFileAndLine()
    {
        var input = _dir.WriteLines("events.jsonl", """{"type":"search","user":"u1","query":"halo","time":"2011-09-14T12:45:07Z"}""");
        var blacklist = _dir.WriteLines("black.txt", "spam", "re:");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["build", "--input", input, "--output", _dir.File("x.qrx"), "--blacklist", blacklist], output, error, Clock);

        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("black.txt:2: empty regular expression", error.ToString(), StringComparison.Ordinal);
    }
}
