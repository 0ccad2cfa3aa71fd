using QueryRec.Indexer.Build;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary><c>build --queries</c>: plain query lists with or without counts, Zipf popularity, bad lines, option errors.</summary>
public sealed class QueryListBuildTests : IDisposable
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static (BuildResult Result, List<ImportError> Errors, QueryListReader Reader) Build(string text, double zipf = 1.0, int seed = 1)
    {
        var errors = new List<ImportError>();
        var reader = new QueryListReader(zipf, seed, errors.Add);
        using var input = new StringReader(text);
        var result = IndexBuilder.BuildFromQueryList(input, reader, new BuildOptions { MinCount = 1, PruneCompleteNodes = false }, Clock, CancellationToken.None);
        return (result, errors, reader);
    }

    private static QueryStats Stats(IndexBuild build, string query)
        => QueryStats.Parser.ParseFrom(build.Records.Single(r => r.Key == IndexKeys.Query(query)).Value);

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, error, Clock);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("red dress", null, "red dress", null)]
    [InlineData("17\t减速器链条", null, "减速器链条", null)]
    [InlineData("red dress\t42", null, "red dress", 42L)]
    [InlineData("123\t456", null, "456", null)] // both digits, mode unknown: an id
    [InlineData("123\t456", true, "123", 456L)] // both digits in a counted list: a count
    public void TryParse_AcceptedShapes_SplitQueryAndCount(string line, bool? counted, string query, long? count)
    {
        Assert.True(QueryListReader.TryParse(line, counted, out var q, out var c, out _));

        Assert.Equal((query, count), (q, c));
    }

    [Theory]
    [InlineData("a\tb\tc", "more than two")]
    [InlineData("red\tdress", "neither")]
    [InlineData("red dress\t0", "not a whole number")]
    [InlineData("red dress\t99999999999999999999", "not a whole number")]
    public void TryParse_BadShapes_GiveAReason(string line, string reason)
    {
        Assert.False(QueryListReader.TryParse(line, null, out _, out _, out var why));

        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CountedList_RanksByCountAndMergesDuplicates()
    {
        var (result, errors, _) = Build("red dress\t5\nblue dress\t7\nRED  dress\t4\n");

        Assert.Empty(errors);
        Assert.Equal(9, Stats(result.Build, "red dress").Count);
        var node = PrefixNode.Parser.ParseFrom(result.Build.Records.Single(r => r.Key == IndexKeys.Completions(CompletionTable.Infix, "dress")).Value);
        Assert.Equal(["red dress", "blue dress"], node.Completions.Select(c => c.Text));
    }

    [Fact]
    public void Build_UncountedList_GivesZipfPopularityOverRanks()
    {
        var lines = string.Join('\n', Enumerable.Range(1, 8).Select(i => $"{i}\tquery {(char)('a' + i)}"));

        var (result, errors, reader) = Build(lines, zipf: 1.0, seed: 7);

        Assert.Empty(errors);
        Assert.Equal(8, reader.DistinctQueries);
        var scores = Enumerable.Range(1, 8).Select(i => Stats(result.Build, $"query {(char)('a' + i)}").Popularity).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, 8).Select(r => 8.0 / r).Order(), scores);
    }

    [Fact]
    public void Build_UncountedList_SameSeedSameRanksOtherSeedOtherRanks()
    {
        var lines = string.Join('\n', Enumerable.Range(0, 50).Select(i => $"query {i}"));

        string Top(int seed) => PrefixNode.Parser.ParseFrom(Build(lines, seed: seed).Result.Build.Records.Single(r => r.Key == IndexKeys.Prefix("q")).Value).Completions[0].Text;

        Assert.Equal(Top(3), Top(3));
        Assert.True(Enumerable.Range(1, 5).Select(Top).Distinct().Count() > 1);
    }

    [Fact]
    public void Build_BadLines_AreReportedWithTheirLineNumberAndSkipped()
    {
        var text = "red dress\t3\n\nblue dress\na\tb\tc\n   \t2\ngreen dress\t1\n";

        var (result, errors, _) = Build(text);

        Assert.Equal([3L, 4L, 5L], errors.Select(e => e.LineNumber));
        Assert.Contains("no count", errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("empty after normalization", errors[2].Reason, StringComparison.Ordinal);
        Assert.Equal(2, result.Summary.QueriesKept);
    }

    [Fact]
    public async Task RunAsync_BuildFromQueryList_WritesTheMatchingTables()
    {
        var input = _dir.WriteLines("queries.txt", "1\tred dress", "2\t连衣裙长款", "3\tiphone 15");
        var output = _dir.File("i.qrx");

        var (code, stdout, stderr) = await Run("build", "--queries", input, "--output", output, "--zipf", "1.2", "--seed", "5");

        Assert.Equal((0, string.Empty), (code, stderr));
        var build = IndexFile.ReadFile(output);
        Assert.Equal(3, build.Manifest.RecordCounts[IndexKeys.QueryKind]); // min-count defaults to 1 with --queries
        Assert.True(build.Manifest.RecordCounts[IndexKeys.InfixKind] > 0);
        Assert.Equal(1, build.Manifest.RecordCounts[IndexKeys.VocabularyKind]);
        Assert.Contains("infix nodes", stdout, StringComparison.Ordinal);
        Assert.Contains("vocabulary", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], 0)] // a query list has no behaviour: no fill unless asked
    [InlineData(new[] { "--shared-words-top", "3" }, 2)] // each of the two links the other through "wireless"
    public async Task RunAsync_BuildFromQueryList_WordSharingFillOnlyWhenAsked(string[] options, int lists)
    {
        var input = _dir.WriteLines("queries.txt", "wireless mouse", "wireless keyboard");
        var output = _dir.File("i.qrx");

        var (code, _, stderr) = await Run(["build", "--queries", input, "--output", output, .. options]);

        Assert.Equal((0, string.Empty), (code, stderr));
        Assert.Equal(lists, IndexFile.ReadFile(output).Manifest.RecordCounts.GetValueOrDefault(IndexKeys.DiscoveryRelatedKind));
    }

    [Fact]
    public async Task RunAsync_BadQueryLine_PrintsItsLineNumber()
    {
        var input = _dir.WriteLines("queries.txt", "red dress", "a\tb\tc");

        var (code, _, stderr) = await Run("build", "--queries", input, "--output", _dir.File("i.qrx"));

        Assert.Equal(0, code);
        Assert.Contains("bad line 2: more than two", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--pinyin-variants", "0")]
    [InlineData("--pinyin-variants", "257")]
    [InlineData("--pinyin-secondary-weight", "1.5")]
    [InlineData("--pinyin-secondary-weight", "-0.1")]
    [InlineData("--max-pinyin-prefix", "0")]
    [InlineData("--max-infix-prefix", "101")]
    [InlineData("--vocabulary-max", "-1")]
    [InlineData("--zipf", "-0.5")]
    [InlineData("--shared-words-top", "-1")]
    [InlineData("--related-fill-to", "-1")]
    public async Task RunAsync_MatchingOptionOutOfRange_ExitCode1NamingIt(string option, string value)
    {
        var input = _dir.WriteLines("queries.txt", "red dress");

        var (code, _, stderr) = await Run("build", "--queries", input, "--output", _dir.File("i.qrx"), option, value);

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains(option + " must be", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InputAndQueriesTogether_ExitCode1()
    {
        var input = _dir.WriteLines("queries.txt", "red dress");

        var (code, _, stderr) = await Run("build", "--queries", input, "--input", input, "--output", _dir.File("i.qrx"));

        Assert.Equal(1, code);
        Assert.Contains("exactly one of --input", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoPinyinNoInfix_WritesNeitherTable()
    {
        var input = _dir.WriteLines("queries.txt", "red dress", "连衣裙长款");
        var output = _dir.File("i.qrx");

        var (code, _, _) = await Run("build", "--queries", input, "--output", output, "--no-pinyin", "--no-infix");

        Assert.Equal(0, code);
        var kinds = IndexFile.ReadFile(output).Manifest.RecordCounts.Keys;
        Assert.DoesNotContain(IndexKeys.InfixKind, kinds);
        Assert.DoesNotContain(IndexKeys.PinyinFullKind, kinds);
    }
}
