using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Simulate;
using QueryRec.Storage;

namespace QueryRec.UnitTests.Indexer;

/// <summary>The scale curve's pieces: the vocabulary generator (<c>simulate --vocabulary</c>) and the partitioned table passes.</summary>
public sealed class ScaleBuildTests : IDisposable
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Vocabulary(int size, int seed = 7)
    {
        using var writer = new StringWriter { NewLine = "\n" };
        VocabularyGenerator.Write(Catalog.Default, size, 1.0, seed, writer);
        return writer.ToString();
    }

    private static BuildResult BuildList(string list, int partitions, bool prune)
    {
        var reader = new QueryListReader(1.0, 1, _ => throw new InvalidOperationException("no bad line expected"));
        using var input = new StringReader(list);
        var options = new BuildOptions { MinCount = 1, TablePartitions = partitions, PruneCompleteNodes = prune, Version = "scale-test" };
        return IndexBuilder.BuildFromQueryList(input, reader, options, Clock, CancellationToken.None);
    }

    [Fact]
    public void Write_GivesDistinctNormalizedQueriesWithNonIncreasingZipfCounts()
    {
        var lines = Vocabulary(6000).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(6000, lines.Length);
        var queries = lines.Select(l => l.Split('\t')[0]).ToArray();
        var counts = lines.Select(l => long.Parse(l.Split('\t')[1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(queries.Length, queries.Distinct(StringComparer.Ordinal).Count());
        Assert.All(queries, q => Assert.Equal(QueryNormalizer.Normalize(q), q));
        Assert.Equal(6000, counts[0]);
        Assert.Equal(3000, counts[1]);
        Assert.True(counts.Zip(counts.Skip(1)).All(p => p.First >= p.Second));
        Assert.Equal(1, counts[^1]);
        // More queries than the catalog holds: synthesized variants extend catalog queries.
        Assert.True(Catalog.Default.Queries.Length < 6000);
        Assert.Contains(queries, q => q.Any(c => c is >= '\u4E00' and <= '\u9FFF'));
        Assert.Contains(queries, q => q.All(char.IsAscii));
    }

    [Fact]
    public void Write_SameSeed_SameBytes_OtherSeed_OtherVariants()
    {
        Assert.Equal(Vocabulary(5000, seed: 3), Vocabulary(5000, seed: 3));
        Assert.NotEqual(Vocabulary(5000, seed: 3), Vocabulary(5000, seed: 4));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Build_MorePartitions_SameRecordsAndChecksum(bool prune)
    {
        var list = Vocabulary(4000);

        var one = BuildList(list, 1, prune);
        var three = BuildList(list, 3, prune);
        var many = BuildList(list, 17, prune);

        // The list gives every table plenty of nodes (hanzi for pinyin, several words for infix).
        foreach (var kind in new[] { "p:", "py:", "pi:", "x:" })
        {
            Assert.True(one.Build.Records.Count(r => r.Key.StartsWith(kind, StringComparison.Ordinal)) > 500, kind);
        }

        foreach (var other in new[] { three, many })
        {
            Assert.Equal(one.Build.Manifest.Checksum, other.Build.Manifest.Checksum);
            Assert.Equal(one.Build.Records.Count, other.Build.Records.Count);
            Assert.True(one.Build.Records.Select(r => r.Key).SequenceEqual(other.Build.Records.Select(r => r.Key)));
            Assert.True(one.Build.Records.Zip(other.Build.Records).All(p => p.First.Value.AsSpan().SequenceEqual(p.Second.Value)));
            Assert.Equal(one.Summary.PrefixNodes, other.Summary.PrefixNodes);
            Assert.Equal(one.Summary.InfixNodes, other.Summary.InfixNodes);
        }
    }

    [Theory]
    [InlineData(1, 1L << 30)]
    [InlineData(5, 200_000L)]
    public void Build_StreamedToFile_SameBytesAsInMemoryBuild(int partitions, long runBytes)
    {
        var list = Vocabulary(3000);
        var options = new BuildOptions { MinCount = 1, TablePartitions = partitions, Version = "scale-test" };
        var path = Path.Combine(_dir.Path, "streamed.qrx");

        var inMemory = IndexBuilder.BuildFromQueryList(new StringReader(list), new QueryListReader(1.0, 1, _ => { }), options, Clock, CancellationToken.None);
        int runs;
        BuildSummary streamed;
        using (var writer = new IndexFileWriter(path, runBytes))
        {
            (_, streamed) = IndexBuilder.BuildFromQueryList(new StringReader(list), new QueryListReader(1.0, 1, _ => { }), options, Clock, writer, CancellationToken.None);
            runs = writer.Runs;
        }

        using var expected = new MemoryStream();
        IndexFile.Write(inMemory.Build, expected);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(inMemory.Summary.Checksum, streamed.Checksum);
        Assert.Equal(inMemory.Summary.TotalRecords, streamed.TotalRecords);
        Assert.Equal(runBytes < 1_000_000, runs > 1);
    }

    [Fact]
    public async Task Cli_SimulateVocabularyThenBuildQueries_BuildsEveryQuery()
    {
        var list = Path.Combine(_dir.Path, "vocab.tsv");
        var index = Path.Combine(_dir.Path, "vocab.qrx");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var simulated = await IndexerCli.RunAsync(["simulate", "--vocabulary", "3000", "--seed", "5", "--output", list], output, error, Clock);
        var built = await IndexerCli.RunAsync(["build", "--queries", list, "--table-partitions", "4", "--output", index], output, error, Clock);

        Assert.Equal((0, 0), (simulated, built));
        Assert.Equal(3000, File.ReadAllLines(list).Length);
        var build = IndexFile.ReadFile(index);
        Assert.Equal(3000, build.Records.Count(r => r.Key.StartsWith(IndexKeys.Query(string.Empty), StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10000001")]
    public async Task Cli_SimulateVocabularyOutOfRange_ExitCode1(string size)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await IndexerCli.RunAsync(["simulate", "--vocabulary", size, "--output", Path.Combine(_dir.Path, "v.tsv")], output, error, Clock);

        Assert.Equal(1, code);
        Assert.Contains("--vocabulary must be from 1 to 10,000,000", error.ToString(), StringComparison.Ordinal);
    }
}
