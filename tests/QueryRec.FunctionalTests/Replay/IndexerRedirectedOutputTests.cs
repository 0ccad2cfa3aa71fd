using QueryRec.FunctionalTests.Infrastructure;

namespace QueryRec.FunctionalTests.Replay;

/// <summary>The indexer CLI as its own process with its output redirected (a log file, <c>| tee</c>), as tests/eval/ranking.sh runs it.</summary>
public sealed class IndexerRedirectedOutputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "qr-indexer-out-" + Guid.NewGuid().ToString("N"));

    public IndexerRedirectedOutputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Evaluate_RedirectedOutput_PrintsTheWideTableWithoutWrappingItsHeaders()
    {
        var input = Path.Combine(_dir, "events.jsonl");
        await File.WriteAllLinesAsync(input,
        [
            """{"type":"search","user":"u1","query":"apple","time":"2011-09-14T10:00:00Z"}""",
            """{"type":"search","user":"u2","query":"apple","time":"2011-09-14T11:00:00Z"}""",
            """{"type":"search","user":"u3","query":"apricot","time":"2011-10-02T10:00:00Z"}""",
        ]);
        var (exitCode, output) = ApiProcess.RunUntilExit("QueryRec.Indexer.dll", ["evaluate", "--input", input, "--split", "2011-10-01T00:00:00Z", "--mode", "offline", "--ceilings"]);

        // At Spectre's default 80 columns the eight column names are cut ("orac…") and wrapped over several lines;
        // a redirected output gets a wide profile, so the header is one line with every name whole.
        Assert.True(exitCode == 0, output);
        var lines = output.Split('\n');
        Assert.Contains(lines, static l => l.Contains("streaming MPC", StringComparison.Ordinal)
            && l.Contains("oracle: period + personal", StringComparison.Ordinal)
            && l.Contains("oracle: day counts", StringComparison.Ordinal));
    }
}
