using System.Text;
using QueryRec.Storage;
using QueryRec.UnitTests.Indexer.Commands;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Build;

/// <summary>
/// <c>build --partition I/N</c> then <c>assemble</c>: the assembled file is the unpartitioned build's, byte for byte
/// (so its checksum and version too), from the log and from aggregate tables; the slices' keys are disjoint, with the
/// completion-table passes spread over the slices and every other record in slice 0.
/// </summary>
public sealed class PartitionedBuildTests : IDisposable
{
    private static readonly string[] TableKinds = ["p", "py", "pi", "x"];
    private readonly TempDirectory _dir = new();
    private readonly SliceFiles _files;

    public PartitionedBuildTests() => _files = new SliceFiles(_dir);

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Assemble_SlicesBuiltFromTheLog_IsTheUnpartitionedBuildsFile(int n)
    {
        var log = await _files.LogAsync();
        var whole = await _files.WholeAsync("whole.qrx", "--input", log);
        var slices = await _files.SlicesAsync("slices", n, "--input", log);

        var stdout = await SliceFiles.Ok("assemble", "--slices", slices, "--output", _dir.File("assembled.qrx"));

        var expected = IndexFile.ReadFile(whole);
        var assembled = IndexFile.ReadFile(_dir.File("assembled.qrx"));
        Assert.Equal(expected.Manifest.Checksum, assembled.Manifest.Checksum);
        Assert.Equal(expected.Version, assembled.Version);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(_dir.File("assembled.qrx")));
        Assert.Contains(expected.Version, stdout, StringComparison.Ordinal);
        // Every completion table is there, with Latin and hanzi queries (pinyin), so every kind was sliced.
        foreach (var kind in TableKinds)
        {
            Assert.True(expected.Manifest.RecordCounts[kind] > 50, kind);
        }

        Assert.Contains(expected.Records, r => r.Key.StartsWith("p:", StringComparison.Ordinal) && r.Key.Any(c => c is >= '\u4E00' and <= '\u9FFF'));
        Assert.Contains(expected.Records, r => r.Key.StartsWith("p:", StringComparison.Ordinal) && r.Key[2..].All(char.IsAscii) && r.Key.Length >= 4);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public async Task Assemble_SlicesBuiltFromAggregates_IsTheUnpartitionedBuildsFile(int n)
    {
        var tables = await _files.AggregatesAsync(await _files.LogAsync(users: 150, seed: 8));
        var whole = await _files.WholeAsync("whole.qrx", "--aggregates", tables);
        var slices = await _files.SlicesAsync("slices", n, "--aggregates", tables);

        await SliceFiles.Ok("assemble", "--slices", slices, "--output", _dir.File("assembled.qrx"));

        Assert.Equal(IndexFile.ReadFile(whole).Manifest.Checksum, IndexFile.ReadFile(_dir.File("assembled.qrx")).Manifest.Checksum);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(_dir.File("assembled.qrx")));
    }

    [Fact]
    public async Task Assemble_MoreTablePassesThanSlices_IsTheUnpartitionedBuildsFile()
    {
        // 4 passes asked, 3 slices: 6 passes, two per slice.
        var log = await _files.LogAsync();
        var whole = await _files.WholeAsync("whole.qrx", "--input", log, "--table-partitions", "4", "--no-prune");
        var slices = await _files.SlicesAsync("slices", 3, "--input", log, "--table-partitions", "4", "--no-prune");

        await SliceFiles.Ok("assemble", "--slices", slices, "--output", _dir.File("assembled.qrx"));

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(_dir.File("assembled.qrx")));
    }

    [Fact]
    public async Task Build_Partition_SlicesAreDisjoint_TablesSpreadAndEverythingElseInSliceZero()
    {
        var log = await _files.LogAsync();
        var whole = IndexFile.ReadFile(await _files.WholeAsync("whole.qrx", "--input", log));
        var slices = await _files.SlicesAsync("slices", 3, "--input", log);

        var keys = Enumerable.Range(0, 3).Select(i => Keys(Path.Combine(slices, $"slice-{i}.qrx"))).ToArray();

        Assert.Equal(whole.Records.Select(r => r.Key).Order(StringComparer.Ordinal), keys.SelectMany(k => k).Order(StringComparer.Ordinal));
        Assert.Contains("i:info", keys[0]);
        Assert.Contains(keys[0], k => k.StartsWith("q:", StringComparison.Ordinal));
        for (var i = 1; i < 3; i++)
        {
            // Slices 1 and 2: completion-table nodes of two runes or more only (the head pass is slice 0's).
            Assert.All(keys[i], k => Assert.True(TableKinds.Contains(IndexKeys.KindOf(k)) && Runes(k[(k.IndexOf(':') + 1)..]) >= 2, k));
            foreach (var kind in TableKinds)
            {
                Assert.Contains(keys[i], k => IndexKeys.KindOf(k) == kind);
            }
        }
    }

    [Fact]
    public async Task Build_Partition_SliceFileIsNotServedAsAWholeIndex()
    {
        var slices = await _files.SlicesAsync("slices", 2, "--input", await _files.LogAsync());
        var slice = Path.Combine(slices, "slice-1.qrx");

        var read = Assert.Throws<InvalidDataException>(() => IndexFile.ReadFile(slice));
        var open = Assert.Throws<InvalidDataException>(() => IndexFileReader.Open(slice));
        var (code, _, stderr) = await IndexerCliTests.Run("inspect", "--index", slice, "--query", "halo");

        Assert.Contains("slice 1 of 2 of a partitioned build", read.Message, StringComparison.Ordinal);
        Assert.Contains("slice 1 of 2 of a partitioned build", open.Message, StringComparison.Ordinal);
        Assert.Equal(1, code);
        Assert.Contains("assemble the slices first", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("0/0")]
    [InlineData("1/65")]
    [InlineData("a/b")]
    [InlineData("1")]
    [InlineData("1/2/3")]
    [InlineData(" 1/2")]
    public async Task Build_BadPartition_OneLineErrorNamingTheOption(string value)
    {
        var log = _dir.WriteLines("log.jsonl", """{"type":"search","user":"u1","query":"halo","time":"2011-09-14T12:45:07Z"}""");

        var (code, _, stderr) = await IndexerCliTests.Run("build", "--input", log, "--output", _dir.File("s.qrx"), $"--partition={value}");

        Assert.Equal(1, code);
        Assert.StartsWith("error: --partition must be I/N with N from 1 to 64 and I from 0 to N-1", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(_dir.File("s.qrx")));
    }

    private static List<string> Keys(string slice)
    {
        using var reader = IndexFileReader.Open(slice, slice, slice: true);
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(reader.KeyString());
        }

        return keys;
    }

    private static int Runes(string text) => text.EnumerateRunes().Count();
}
