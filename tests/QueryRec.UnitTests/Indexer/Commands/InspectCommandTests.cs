using QueryRec.Indexer.Commands;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Commands;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, error, new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero)));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Two users search "xbox" then "xbox 360" (a minute later) and click sku7 (category games) after "xbox 360";
    /// a third user searches "xbox" alone. Half-life 10 years and all within 2 minutes: popularity = count to 4 decimals.
    /// </summary>
    private async Task<string> BuildSmallIndexAsync()
    {
        var input = _dir.WriteLines(
            "events.jsonl",
            """{"type":"search","user":"u1","query":"xbox","time":"2011-09-14T12:00:00Z"}""",
            """{"type":"search","user":"u1","query":"xbox 360","time":"2011-09-14T12:01:00Z"}""",
            """{"type":"click","user":"u1","query":"xbox 360","time":"2011-09-14T12:01:10Z","item":"sku7","category":"games"}""",
            """{"type":"search","user":"u2","query":"xbox","time":"2011-09-14T12:00:00Z"}""",
            """{"type":"search","user":"u2","query":"xbox 360","time":"2011-09-14T12:01:00Z"}""",
            """{"type":"click","user":"u2","query":"xbox 360","time":"2011-09-14T12:01:20Z","item":"sku7","category":"games"}""",
            """{"type":"search","user":"u3","query":"xbox","time":"2011-09-14T12:00:30Z"}""");
        var index = _dir.File("small.qrx");
        var (code, _, err) = await Run("build", "--input", input, "--output", index, "--version", "v-small", "--half-life", "3650.00:00:00");
        Assert.True(code == 0, err);
        return index;
    }

    [Fact]
    public async Task RunAsync_InspectQuery_PrintsStatsQ2qAndRefinements()
    {
        var index = await BuildSmallIndexAsync();

        var (code, stdout, stderr) = await Run("inspect", "--index", index, "--query", "XBOX");

        Assert.True(code == 0, stderr);
        Assert.Contains("version v-small", stdout, StringComparison.Ordinal);
        Assert.Contains("query 'xbox'", stdout, StringComparison.Ordinal);
        Assert.Matches(@"│ count\s+│ 3\s+│", stdout);
        Assert.Matches(@"│ distinct users\s+│ 3\s+│", stdout);
        // q2q: xbox -> xbox 360 in 2 of N = 2 sessions with a transition; c(xbox) = c(xbox 360) = 2: k = (2,0,0,0),
        // k11·N = 4 = c(a)·c(b): no positive association, so no q2q entry; the refinement is listed.
        Assert.Contains("q2q of 'xbox'", stdout, StringComparison.Ordinal);
        Assert.Contains("(none)", stdout, StringComparison.Ordinal);
        Assert.Matches(@"refinements of 'xbox'[\s\S]*│ xbox 360\s+│ 4\s+│ 2\s+│ 1\s+│", stdout); // score 2·(1 + min(1, 1)) = 4
    }

    [Fact]
    public async Task RunAsync_InspectItemPrefixAndCategory_PrintsTheirLists()
    {
        var index = await BuildSmallIndexAsync();

        var (code, stdout, stderr) = await Run("inspect", "--index", index, "--item", "sku7", "--prefix", "xb", "--category", "games");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"i2q of item 'sku7'[\s\S]*│ xbox 360\s+│ 2\s+│ 2\s+│ 0\s+│ 0\s+│", stdout);
        Assert.Matches(@"prefix 'xb'[\s\S]*│ xbox\s+│ 3\s+│ 3\s+│ 3[\s\S]*│ xbox 360\s+│ 2\s+│ 2\s+│ 2\s+│ games", stdout);
        Assert.Matches(@"hot in games[\s\S]*│ xbox 360\s+│ 2\s+│ 2\s+│", stdout);
        // Trending: 2 recent searches, no baseline: (2 + 5) / (0 + 5) = 1.4.
        Assert.Matches(@"trending in games[\s\S]*│ xbox 360\s+│ 1\.4\s+│ 2\s+│ 0\s+│ 2\s+│", stdout);
    }

    [Fact]
    public async Task RunAsync_InspectInfixTable_PrintsTheQueriesWithThatWordStart()
    {
        var index = await BuildSmallIndexAsync();

        var (code, stdout, stderr) = await Run("inspect", "--index", index, "--prefix", "36", "--table", "x");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"infix '36'[\s\S]*│ xbox 360\s+│ 2\s+│ 2\s+│ 2\s+│ games\s+│ games", stdout);
        Assert.DoesNotContain("│ xbox  ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InspectUnknownTable_ExitCode1()
    {
        var index = await BuildSmallIndexAsync();

        var (code, _, stderr) = await Run("inspect", "--index", index, "--prefix", "36", "--table", "zz");

        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("zz", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InspectWithoutTarget_ExitCode1()
    {
        var index = await BuildSmallIndexAsync();

        var (code, _, stderr) = await Run("inspect", "--index", index);

        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Contains("--query", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InspectQuery_PrintsTheDiscoverRelatedListWithEachEntrysSource()
    {
        // "playstation 3" and "ps3 controller" lead to clicks on one item (co-click); "ps3 games" shares a word with
        // "ps3 controller" without holding all of its words (shared words). Two users each, so every query is kept.
        string Line(string type, string user, string query, string minute, string item = "")
            => type == "search"
                ? $$"""{"type":"search","user":"{{user}}","query":"{{query}}","time":"2011-09-14T12:{{minute}}:00Z"}"""
                : $$"""{"type":"click","user":"{{user}}","query":"{{query}}","time":"2011-09-14T12:{{minute}}:30Z","item":"{{item}}","category":"games"}""";
        var input = _dir.WriteLines(
            "ps3.jsonl",
            Line("search", "u1", "playstation 3", "01"), Line("click", "u1", "playstation 3", "01", "sku-ds"),
            Line("search", "u2", "playstation 3", "02"), Line("click", "u2", "playstation 3", "02", "sku-ds"),
            Line("search", "u3", "ps3 controller", "03"), Line("click", "u3", "ps3 controller", "03", "sku-ds"),
            Line("search", "u4", "ps3 controller", "04"), Line("click", "u4", "ps3 controller", "04", "sku-ds"),
            Line("search", "u5", "ps3 games", "05"), Line("click", "u5", "ps3 games", "05", "sku-g"),
            Line("search", "u6", "ps3 games", "06"), Line("click", "u6", "ps3 games", "06", "sku-g"));
        var index = _dir.File("ps3.qrx");
        var (built, _, buildErr) = await Run("build", "--input", input, "--output", index, "--version", "v-ps3");
        Assert.True(built == 0, buildErr);

        var (code, stdout, stderr) = await Run("inspect", "--index", index, "--query", "ps3 controller");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"Discover related of 'ps3 controller' \(rd:\)[\s\S]*│ playstation 3\s+│ co-click\s+│", stdout);
        Assert.Matches(@"Discover related of 'ps3 controller' \(rd:\)[\s\S]*│ ps3 games\s+│ shared words\s+│", stdout);
    }
}
