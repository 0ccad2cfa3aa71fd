using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using Xunit.Abstractions;

namespace QueryRec.FunctionalTests.Storefront;

/// <summary>
/// The storefront page in Debian's headless chromium (tests/browser/storefront.mjs through playwright-core), against
/// the real service on loopback Kestrel ports serving an index our own indexer built from simulated logs.
/// </summary>
public sealed class StorefrontBrowserTests(ITestOutputHelper output) : IDisposable
{
    private const string IndexVersion = "storefront-test-v1";
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromMinutes(3);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("queryrec-storefront-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Page_InHeadlessChromium_SuggestsSearchesAndShowsSections()
    {
        NodeTools.Require(chromium: true, "tests/browser");
        var index = await BuildDemoIndexAsync();
        var webPort = Loopback.FreePort();
        using var factory = QueryRecFactory.StartOnKestrel(Loopback.FreePort(), webPort, new()
        {
            ["QueryRec:Store:IndexPath"] = index,

            // One layer with one arm for everybody: the footer must show the arm the service assigned.
            ["QueryRec:Experiments:Layers:0:Name"] = "storefront-test",
            ["QueryRec:Experiments:Layers:0:Arms:0:Name"] = "everyone",
            ["QueryRec:Experiments:Layers:0:Arms:0:Share"] = "100",
        });

        // A test artifact, kept after the run in tests/browser/artifacts (gitignored); docs/images/storefront.png is a copy.
        var screenshot = Path.Combine(NodeTools.RepoRoot, "tests", "browser", "artifacts", "storefront.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        var (exitCode, log) = await NodeTools.RunNodeAsync(
            NodeTimeout,
            "tests/browser/storefront.mjs",
            "--url", $"http://127.0.0.1:{webPort}/",
            "--index-version", IndexVersion,
            "--arm", "storefront-test=everyone",
            "--screenshot", screenshot);
        output.WriteLine(log);

        Assert.True(exitCode == 0, $"the browser test failed (exit {exitCode}):\n{log}");
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot was saved");
        output.WriteLine($"screenshot: {screenshot}");
    }

    [Fact]
    public async Task CommittedBundle_IsAFreshBuildOfTheSources()
    {
        NodeTools.Require(chromium: false, "web");

        var (exitCode, log) = await NodeTools.RunNodeAsync(NodeTimeout, "web/build.mjs", "--check");

        Assert.True(exitCode == 0, $"src/QueryRec.Api/wwwroot is not what web/build.mjs makes from web/src and the protos:\n{log}");
    }

    private async Task<string> BuildDemoIndexAsync()
    {
        var events = Path.Combine(_dir.FullName, "events.jsonl");
        var index = Path.Combine(_dir.FullName, "index.qrx");
        await Cli("simulate", "--output", events, "--seed", "42");
        await Cli("build", "--input", events, "--output", index, "--version", IndexVersion);
        return index;
    }

    private static async Task Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await IndexerCli.RunAsync(args, stdout, stderr);
        Assert.True(code == 0, $"indexer {string.Join(' ', args)} exited {code}: {stderr}");
    }
}
