using QueryRec.Storage;
using QueryRec.TestSupport;
using QueryRec.UnitTests.Indexer.Build;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Commands;

/// <summary>
/// <c>assemble</c> refuses a set of slices that does not make one index: a slice missing, one twice, one of another N
/// or of another build, a corrupted or truncated one; each with a one-line error naming the slice, and no output file.
/// </summary>
public sealed class AssembleCommandTests(AssembleCommandTests.Slices slices) : IClassFixture<AssembleCommandTests.Slices>, IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> BadSets() => new()
    {
        { "missing", "slice 1 of 3 missing from " },
        { "duplicated", "are both slice 1 of 3" },
        { "other-n", "is slice 1 of 2, but " },
        { "other-build", "are slices of different builds" },
        { "corrupted", "slice 2 of 3 (" },
        { "truncated", "slice 2 of 3 (" },
        { "whole", "is a whole index, not a slice" },
    };

    [Theory]
    [MemberData(nameof(BadSets))]
    public async Task Assemble_BadSet_RefusedWithOneLineNamingTheSlice_NoOutput(string bad, string expected)
    {
        var directory = slices.BadSet(bad, _dir.File(bad));
        var output = _dir.File("out.qrx");

        var (code, _, stderr) = await IndexerCliTests.Run("assemble", "--slices", directory, "--output", output);

        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_dir.Path, "out.qrx*"));
    }

    [Fact]
    public async Task Assemble_TheGoodSet_Succeeds()
    {
        // The sets above are refused for what was done to them: the same slices untouched assemble.
        var directory = slices.BadSet("none", _dir.File("good"));

        var (code, _, stderr) = await IndexerCliTests.Run("assemble", "--slices", directory, "--output", _dir.File("out.qrx"));

        Assert.True(code == 0, stderr);
        Assert.Equal(IndexFile.ReadFile(slices.Whole).Manifest.Checksum, IndexFile.ReadFile(_dir.File("out.qrx")).Manifest.Checksum);
    }

    [Fact]
    public async Task Assemble_KeyInTwoSlices_RefusedNamingBoth()
    {
        // Two slice files of one build holding the same key: only a broken builder makes them, so they are written by hand.
        var directory = _dir.File("overlap");
        Directory.CreateDirectory(directory);
        for (var i = 0; i < 2; i++)
        {
            using var writer = new IndexFileWriter(Path.Combine(directory, $"slice-{i}.qrx"));
            writer.Add(new IndexRecord("p:ab", [1, 2, (byte)i]));
            writer.Add(new IndexRecord($"p:c{i}", [3]));
            var slice = new QueryRec.Storage.V1.IndexSlice { Index = i, Count = 2, BuildIdentity = 42 };
            writer.Complete(_ => IndexSlices.FileVersion(slice), DateTimeOffset.UnixEpoch, "hand-made", slice);
        }

        var (code, _, stderr) = await IndexerCliTests.Run("assemble", "--slices", directory, "--output", _dir.File("out.qrx"));

        Assert.Equal(1, code);
        Assert.Contains("Key 'p:ab' is in two slices: slice 0 of 2 (", stderr, StringComparison.Ordinal);
        Assert.Contains("and slice 1 of 2 (", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(_dir.File("out.qrx")));
    }

    [Fact]
    public async Task Assemble_EmptyDirectory_OneLineError()
    {
        var (code, _, stderr) = await IndexerCliTests.Run("assemble", "--slices", _dir.Path, "--output", _dir.File("out.qrx"));

        Assert.Equal(1, code);
        Assert.StartsWith("error: no slice files (*.qrx) in ", stderr, StringComparison.Ordinal);
    }

    /// <summary>One build's 3 slices, a 2-slice build and another build's slices of the same log, made once for the class.</summary>
    public sealed class Slices : IAsyncLifetime, IDisposable
    {
        private readonly TempDirectory _dir = new();

        public string Whole => Sets.Whole;

        private SliceSets Sets { get; set; } = new(string.Empty, string.Empty, string.Empty, string.Empty);

        public async Task InitializeAsync()
        {
            var files = new SliceFiles(_dir);
            var log = await files.LogAsync(users: 80, seed: 3);
            Sets = new SliceSets(
                await files.SlicesAsync("three", 3, "--input", log),
                await files.SlicesAsync("two", 2, "--input", log),
                await files.SlicesAsync("other", 3, "--input", log, "--top-k", "5"),
                await files.WholeAsync("whole.qrx", "--input", log));
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => _dir.Dispose();

        /// <summary>A copy of the 3 slices in <paramref name="directory"/>, spoiled as <paramref name="bad"/> says.</summary>
        public string BadSet(string bad, string directory) => Sets.Copy(bad, directory);
    }
}
