using QueryRec.Indexer.Commands;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Commands;

/// <summary>
/// publish, status, rollback and export through the CLI, with the index admin replaced by the embedded
/// store (same IIndexAdmin contract). The Redis store itself is covered by the integration tests.
/// </summary>
public sealed class IndexerCliAdminTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly EmbeddedIndexStore _store = new(retainVersions: 3);
    private readonly List<(string Redis, string KeyPrefix, int Retain)> _connections = [];

    public void Dispose() => _dir.Dispose();

    private async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await IndexerCli.RunAsync(
            args,
            output,
            error,
            new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero)),
            (redis, options, _) =>
            {
                _connections.Add((redis, options.KeyPrefix, options.RetainVersions));
                return Task.FromResult(new RedisAdmin(_store, owned: null));
            },
            CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<string> BuildIndex(string version, string query)
    {
        var input = _dir.WriteLines(
            version + ".jsonl",
            $$"""{"type":"search","user":"u1","query":"{{query}}","time":"2011-09-14T12:45:07Z"}""",
            $$"""{"type":"search","user":"u2","query":"{{query}}","time":"2011-09-14T12:46:07Z"}""");
        var index = _dir.File(version + ".qrx");
        var (code, _, err) = await Run("build", "--input", input, "--output", index, "--version", version);
        Assert.True(code == 0, err);
        return index;
    }

    [Fact]
    public async Task Publish_IndexFile_BecomesActiveWithOptionsPassedThrough()
    {
        var index = await BuildIndex("v1", "halo");

        var (code, stdout, _) = await Run("publish", "--index", index, "--redis", "127.0.0.1:6390", "--key-prefix", "t1:", "--retain", "5");

        Assert.Equal(0, code);
        Assert.Equal("v1", await _store.GetActiveVersionAsync());
        Assert.Equal(("127.0.0.1:6390", "t1:", 5), _connections.Single());
        Assert.Contains("records written", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SameVersionTwice_ExitCode1()
    {
        var index = await BuildIndex("v1", "halo");
        await Run("publish", "--index", index, "--redis", "r:1");

        var (code, _, stderr) = await Run("publish", "--index", index, "--redis", "r:1");

        Assert.Equal(1, code);
        Assert.Contains("v1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_TruncatedIndexFile_ExitCode1NamingTheFileAndKeepsTheActiveVersion()
    {
        await Run("publish", "--index", await BuildIndex("v1", "halo"), "--redis", "r:1");
        var index = await BuildIndex("v2", "zelda");
        var bytes = await File.ReadAllBytesAsync(index);
        await File.WriteAllBytesAsync(index, bytes[..^3]);

        var (code, _, stderr) = await Run("publish", "--index", index, "--redis", "r:1");

        Assert.Equal(1, code);
        Assert.Contains(index + " is not a valid index file", stderr, StringComparison.Ordinal);
        Assert.Contains("truncated", stderr, StringComparison.Ordinal);
        Assert.Equal("v1", await _store.GetActiveVersionAsync());
    }

    [Fact]
    public async Task Rollback_AfterTwoPublishes_ReactivatesTheFirst()
    {
        await Run("publish", "--index", await BuildIndex("v1", "halo"), "--redis", "r:1");
        await Run("publish", "--index", await BuildIndex("v2", "zelda"), "--redis", "r:1");

        var (code, stdout, _) = await Run("rollback", "--redis", "r:1");

        Assert.Equal(0, code);
        Assert.Equal("v1", await _store.GetActiveVersionAsync());
        Assert.Contains("v2", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_NothingEarlier_ExitCode1()
    {
        await Run("publish", "--index", await BuildIndex("v1", "halo"), "--redis", "r:1");

        var (code, _, stderr) = await Run("rollback", "--redis", "r:1");

        Assert.Equal(1, code);
        Assert.StartsWith("error: cannot roll back", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AfterPublish_ListsVersionsAndActive()
    {
        await Run("publish", "--index", await BuildIndex("v1", "halo"), "--redis", "r:1");
        await Run("publish", "--index", await BuildIndex("v2", "zelda"), "--redis", "r:1");

        var (code, stdout, _) = await Run("status", "--redis", "r:1");

        Assert.Equal(0, code);
        Assert.Matches(@"active version\s*│\s*v2\s", stdout);
        Assert.Contains("v1", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_ActiveVersion_WritesTheSameIndex()
    {
        var index = await BuildIndex("v1", "halo");
        await Run("publish", "--index", index, "--redis", "r:1");
        var exported = _dir.File("exported.qrx");

        var (code, _, _) = await Run("export", "--redis", "r:1", "--output", exported);

        Assert.Equal(0, code);
        var original = IndexFile.ReadFile(index);
        var copy = IndexFile.ReadFile(exported);
        Assert.Equal(original.Version, copy.Version);
        Assert.Equal(original.Manifest.Checksum, copy.Manifest.Checksum);
    }

    [Fact]
    public async Task Export_UnknownVersion_ExitCode1()
    {
        await Run("publish", "--index", await BuildIndex("v1", "halo"), "--redis", "r:1");

        var (code, _, stderr) = await Run("export", "--redis", "r:1", "--version", "nope", "--output", _dir.File("x.qrx"));

        Assert.Equal(1, code);
        Assert.Contains("nope", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_InvalidKeyPrefix_ExitCode1WithoutConnecting()
    {
        var index = await BuildIndex("v1", "halo");

        var (code, _, stderr) = await Run("publish", "--index", index, "--redis", "r:1", "--key-prefix", "bad prefix!");

        Assert.Equal(1, code);
        Assert.Contains("--key-prefix", stderr, StringComparison.Ordinal);
        Assert.Empty(_connections);
    }
}
