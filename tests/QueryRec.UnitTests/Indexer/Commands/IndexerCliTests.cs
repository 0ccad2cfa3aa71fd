using QueryRec.Indexer.Commands;
using QueryRec.Storage;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Commands;

public sealed class IndexerCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    internal static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, error, new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero)));
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task RunAsync_BuildTinyJsonl_WritesReadableIndexFile()
    {
        var input = _dir.WriteLines(
            "events.jsonl",
            """{"type":"search","user":"u1","query":"Gears of War","time":"2011-09-14T12:45:07.064Z"}""",
            """{"type":"search","user":"u2","query":"gears of war","time":"2011-09-14T12:46:07Z"}""",
            """{"type":"search","user":"u2","query":"halo","time":"2011-09-14T12:47:07Z"}""");
        var output = _dir.File("index.qrx");

        var (code, stdout, stderr) = await Run("build", "--input", input, "--output", output, "--no-prune");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        var build = IndexFile.ReadFile(output);
        Assert.Equal(1, build.Manifest.RecordCounts[IndexKeys.QueryKind]);
        Assert.Equal(12, build.Manifest.RecordCounts[IndexKeys.PrefixKind]); // "gears of war" has 12 characters
        Assert.Contains(build.Version, stdout, StringComparison.Ordinal);
        Assert.Contains("queries kept", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InvalidOptionValue_ExitCode1WithOneLineMessage()
    {
        var (code, _, stderr) = await Run("build", "--input", "x.jsonl", "--output", "y.qrx", "--top-k", "many");

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", stderr, StringComparison.Ordinal);
        Assert.Contains("--top-k", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OutOfRangeOption_ExitCode1()
    {
        var input = _dir.WriteLines("events.jsonl", """{"type":"search","user":"u1","query":"a","time":"2011-09-14T12:45:07Z"}""");

        var (code, _, stderr) = await Run("build", "--input", input, "--output", _dir.File("i.qrx"), "--max-prefix-length", "0");

        Assert.Equal(1, code);
        Assert.Contains("--max-prefix-length", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MissingInputFile_ExitCode1()
    {
        var (code, _, stderr) = await Run("import", "--format", "aol", "--input", _dir.File("missing.tsv"), "--output", _dir.File("o.jsonl"));

        Assert.Equal(1, code);
        Assert.Contains("missing.tsv", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task RunAsync_UnknownFormat_ExitCode1()
    {
        var (code, _, stderr) = await Run("import", "--format", "xml", "--input", "a", "--output", "b");

        Assert.Equal(1, code);
        Assert.Contains("xml", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ImportWithBadLines_ReportsThemAndSucceeds()
    {
        var input = _dir.WriteLines("aol.tsv", "1\tq\t2006-03-01 07:17:12", "2\tq\tnope", "3\tq\t2006-03-01 07:18:12");

        var (code, stdout, stderr) = await Run("import", "--format", "aol", "--input", input, "--output", _dir.File("o.jsonl"));

        Assert.Equal(0, code);
        Assert.Contains("bad line 2:", stderr, StringComparison.Ordinal);
        Assert.Matches(@"bad lines\s*│\s*1\s", stdout);
    }

    [Fact]
    public async Task RunAsync_StatusOfIndexFile_PrintsManifest()
    {
        var input = _dir.WriteLines("events.jsonl", """{"type":"search","user":"u1","query":"ab","time":"2011-09-14T12:45:07Z"}""", """{"type":"search","user":"u1","query":"ab","time":"2011-09-14T12:45:08Z"}""");
        var index = _dir.File("i.qrx");
        await Run("build", "--input", input, "--output", index, "--version", "v1");

        var (code, stdout, _) = await Run("status", "--index", index);

        Assert.Equal(0, code);
        Assert.Contains("v1", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SimulateThenBuild_Succeeds()
    {
        var events = _dir.File("sim.jsonl");
        var index = _dir.File("sim.qrx");

        var simulate = await Run("simulate", "--output", events, "--users", "50", "--seed", "3");
        var build = await Run("build", "--input", events, "--output", index);

        Assert.Equal(0, simulate.Code);
        Assert.Equal(0, build.Code);
        Assert.True(IndexFile.ReadFile(index).Records.Count > 0);
    }

    [Fact]
    public async Task RunAsync_StatusOfCorruptIndexFile_ExitCode1()
    {
        var index = _dir.File("bad.qrx");
        await File.WriteAllBytesAsync(index, "QRIX\u0001\u0000\u0000\u0000garbage"u8.ToArray());

        var (code, _, stderr) = await Run("status", "--index", index);

        Assert.Equal(1, code);
        Assert.Contains("not a valid index file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ImportBestBuyWithoutHeader_ExitCode1()
    {
        var input = _dir.WriteLines("bb.csv", "u1,1,c,q,2011-09-14 12:45:07,2011-09-14 12:44:07");
        var output = _dir.File("o.jsonl");

        var (code, _, stderr) = await Run("import", "--format", "bestbuy", "--input", input, "--output", output);

        Assert.Equal(1, code);
        Assert.Contains("header", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task RunAsync_StatusWithoutRedisOrIndex_ExitCode1()
    {
        var (code, _, stderr) = await Run("status");

        Assert.Equal(1, code);
        Assert.Contains("--index", stderr, StringComparison.Ordinal);
    }
}
