using QueryRec.Indexer.Commands;
using QueryRec.Storage;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Commands;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Log() => _dir.WriteLines(
        "events.jsonl",
        """{"type":"search","user":"u1","query":"apple","time":"2011-09-14T10:00:00Z"}""",
        """{"type":"search","user":"u2","query":"apple","time":"2011-09-14T11:00:00Z"}""",
        """{"type":"search","user":"u3","query":"apricot","time":"2011-09-14T12:00:00Z"}""",
        """{"type":"search","user":"u4","query":"apple","time":"2011-10-02T10:00:00Z"}""");

    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("ftp://127.0.0.1:5080")]
    public async Task Evaluate_ServerNotAnHttpAddress_ExitCode1WithTheValueNamed(string server)
    {
        var (code, _, err) = await Run("evaluate", "--input", Log(), "--split", "2011-10-01T00:00:00Z", "--server", server);

        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.Equal($"error: --server '{server}' is not an http:// or https:// address (e.g. http://127.0.0.1:5080).", err.TrimEnd());
    }

    [Theory]
    [InlineData("--mode", "static", "--mode all")]
    [InlineData("--set", "QueryRec:Trending:MinDistinctUsers=1", "--settings and --set configure the in-process service")]
    [InlineData("--rebuild-every", "1d", "--rebuild-every publishes to the in-process service")]
    public async Task Evaluate_ServerWithAnInProcessOnlyOption_ExitCode1SayingWhy(string option, string value, string message)
    {
        var (code, _, err) = await Run("evaluate", "--input", Log(), "--split", "2011-10-01T00:00:00Z", "--server", "http://127.0.0.1:1", option, value);

        Assert.Equal(IndexerCli.ExitUserError, code);
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_ServerNotListening_ExitCode2WithTheStatus()
    {
        // Port 1 on loopback: nothing listens, the first Suggest fails as Unavailable.
        var (code, _, err) = await Run("evaluate", "--input", Log(), "--split", "2011-10-01T00:00:00Z", "--server", "http://127.0.0.1:1");

        Assert.Equal(IndexerCli.ExitFailure, code);
        Assert.StartsWith("failed: the server answered Unavailable", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_WriteIndex_WritesTheIndexOfTheEventsBeforeTheSplit()
    {
        // Before the split: apple twice (kept: min count 2), apricot once (dropped). The test search is not in it.
        var path = _dir.File("pre-split.qrx");

        var (code, stdout, err) = await Run("evaluate", "--input", Log(), "--split", "2011-10-01T00:00:00Z", "--mode", "static", "--write-index", path);

        Assert.True(code == 0, err);
        var build = IndexFile.ReadFile(path);
        Assert.Equal(1, build.Manifest.RecordCounts[IndexKeys.QueryKind]);
        Assert.Contains(build.Version, stdout, StringComparison.Ordinal);
    }
}
