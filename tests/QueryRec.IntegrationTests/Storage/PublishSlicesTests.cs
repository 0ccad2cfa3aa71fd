using QueryRec.Indexer.Commands;
using QueryRec.Storage;
using QueryRec.TestSupport;

namespace QueryRec.IntegrationTests.Storage;

/// <summary>
/// <c>indexer publish --slices</c> through a real redis-server: the slices of a partitioned build published as the
/// version the unpartitioned build makes (same version id and records); a set that does not make one index (a slice
/// missing, twice, of another N or another build, corrupted or truncated) is refused before anything is written, the
/// active version unchanged; <c>--wait</c> waits for a slice still being built.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class PublishSlicesTests(RedisServerFixture redis, PublishSlicesTests.Builds builds) : IClassFixture<PublishSlicesTests.Builds>, IDisposable
{
    private readonly RedisStoreHarness _redis = new(redis);
    private readonly string _dir = Directory.CreateTempSubdirectory("queryrec-publish-slices-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Publish_Slices_ActivatesTheUnpartitionedBuildsVersionAndRecords()
    {
        await PublishPreviousAsync();
        var whole = IndexFile.ReadFile(builds.Whole);

        var (code, stdout, stderr) = await Builds.RunAsync("publish", "--slices", builds.Set("none", Path.Combine(_dir, "s")), "--redis", redis.ConnectionString, "--key-prefix", _redis.Prefix);

        Assert.True(code == 0, stderr);
        Assert.Contains("3 slices in ", stdout, StringComparison.Ordinal);
        var store = _redis.CreateStore();
        Assert.Equal(whole.Version, await store.GetActiveVersionAsync());
        var published = await store.ReadBuildAsync(whole.Version);
        Assert.Equal(whole.Manifest.Checksum, published.Manifest.Checksum);
        Assert.Equal(whole.Records.Select(r => r.Key), published.Records.Select(r => r.Key));
    }

    [Theory]
    [InlineData("missing", "slice 1 of 3 missing from ")]
    [InlineData("duplicated", "are both slice 1 of 3")]
    [InlineData("other-n", "is slice 1 of 2, but ")]
    [InlineData("other-build", "are slices of different builds")]
    [InlineData("corrupted", "slice 2 of 3 (")]
    [InlineData("truncated", "slice 2 of 3 (")]
    public async Task Publish_BadSlices_RefusedBeforeAnyWrite_ActiveVersionUnchanged(string bad, string expected)
    {
        var previous = await PublishPreviousAsync();
        var keysBefore = _redis.CountKeys("*");
        var version = IndexFile.ReadFile(builds.Whole).Version;

        var (code, _, stderr) = await Builds.RunAsync("publish", "--slices", builds.Set(bad, Path.Combine(_dir, bad)), "--redis", redis.ConnectionString, "--key-prefix", _redis.Prefix);

        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("Nothing was published; the active version is unchanged.", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var store = _redis.CreateStore();
        Assert.Equal(previous, await store.GetActiveVersionAsync());
        Assert.Equal([previous], (await store.GetStatusAsync()).Versions.Select(v => v.Version));
        Assert.Equal(keysBefore, _redis.CountKeys("*"));
        Assert.Empty(_redis.Keys("*" + version + "*"));
    }

    [Fact]
    public async Task Publish_WaitForASliceStillBeingBuilt_PublishesWhenItAppears()
    {
        var directory = builds.Set("missing", Path.Combine(_dir, "late"));

        var publish = Builds.RunAsync("publish", "--slices", directory, "--wait", "00:01:00", "--redis", redis.ConnectionString, "--key-prefix", _redis.Prefix);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(publish.IsCompleted);
        // As the build writes it: a temporary name, then a rename.
        File.Copy(builds.Slice(1), Path.Combine(directory, "slice-1.qrx.tmp-1"));
        File.Move(Path.Combine(directory, "slice-1.qrx.tmp-1"), Path.Combine(directory, "slice-1.qrx"));
        var (code, _, stderr) = await publish;

        Assert.True(code == 0, stderr);
        Assert.Equal(IndexFile.ReadFile(builds.Whole).Version, await _redis.CreateStore().GetActiveVersionAsync());
    }

    [Fact]
    public async Task Publish_WaitRunsOut_RefusedNamingTheMissingSlice()
    {
        var (code, _, stderr) = await Builds.RunAsync("publish", "--slices", builds.Set("missing", Path.Combine(_dir, "never")), "--wait", "00:00:02", "--redis", redis.ConnectionString, "--key-prefix", _redis.Prefix);

        Assert.Equal(1, code);
        Assert.Contains("slice 1 of 3 missing from ", stderr, StringComparison.Ordinal);
        Assert.Contains("after waiting 00:00:02", stderr, StringComparison.Ordinal);
        Assert.Null(await _redis.CreateStore().GetActiveVersionAsync());
    }

    /// <summary>Publishes another index first, so that a refused publish has an active version to keep.</summary>
    private async Task<string> PublishPreviousAsync()
    {
        var (code, _, stderr) = await Builds.RunAsync("publish", "--index", builds.Previous, "--redis", redis.ConnectionString, "--key-prefix", _redis.Prefix);
        Assert.True(code == 0, stderr);
        return IndexFile.ReadFile(builds.Previous).Version;
    }

    /// <summary>A simulated log's whole build and slices (3, 2, and 3 of other options), and a previous index; made once by the indexer.</summary>
    public sealed class Builds : IAsyncLifetime
    {
        private static readonly TimeProvider Clock = new StoppedClock(new DateTimeOffset(2026, 12, 7, 3, 0, 0, TimeSpan.Zero));
        private readonly string _dir = Directory.CreateTempSubdirectory("queryrec-slices-").FullName;

        public string Whole => Path.Combine(_dir, "whole.qrx");

        public string Previous => Path.Combine(_dir, "previous.qrx");

        public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await IndexerCli.RunAsync(args, output, error, Clock);
            return (code, output.ToString(), error.ToString());
        }

        public string Slice(int i) => Path.Combine(_dir, "three", $"slice-{i}.qrx");

        public async Task InitializeAsync()
        {
            var log = Path.Combine(_dir, "log.jsonl");
            await Ok("simulate", "--output", log, "--users", "120", "--seed", "4");
            await Ok("build", "--input", log, "--output", Whole);
            await Ok("build", "--input", log, "--output", Previous, "--version", "previous");
            foreach (var (name, n, extra) in new[] { ("three", 3, Array.Empty<string>()), ("two", 2, []), ("other", 3, ["--min-count", "3"]) })
            {
                for (var i = 0; i < n; i++)
                {
                    await Ok(["build", "--input", log, "--partition", $"{i}/{n}", "--output", Path.Combine(_dir, name, $"slice-{i}.qrx"), .. extra]);
                }
            }
        }

        public Task DisposeAsync()
        {
            Directory.Delete(_dir, recursive: true);
            return Task.CompletedTask;
        }

        /// <summary>A copy of the 3 slices in <paramref name="directory"/>, spoiled as <paramref name="bad"/> says.</summary>
        public string Set(string bad, string directory)
            => new SliceSets(Path.Combine(_dir, "three"), Path.Combine(_dir, "two"), Path.Combine(_dir, "other"), Whole).Copy(bad, directory);

        private static async Task Ok(params string[] args)
        {
            var (code, _, stderr) = await RunAsync(args);
            Assert.True(code == 0, $"{string.Join(' ', args)}: {stderr}");
        }
    }

    /// <summary>A wall clock stopped at one instant (versions are named from it); timers and timestamps stay real, for --wait.</summary>
    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
