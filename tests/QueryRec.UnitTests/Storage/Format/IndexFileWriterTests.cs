using QueryRec.Storage;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Storage.Format;

/// <summary>The streaming index file writer: sorted runs on disk merged into the same bytes as the in-memory writer.</summary>
public sealed class IndexFileWriterTests : IDisposable
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 11, 29, 14, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Records of several kinds, with keys that sort differently in UTF-16 and UTF-8 (U+FF01 vs a surrogate pair) and empty values.</summary>
    private static List<IndexRecord> Records(int count, int seed)
    {
        var random = new Random(seed);
        var kinds = new[] { "p:", "py:", "q:", "x:", "h2:", "h:", "rf:" };
        var texts = new[] { "手机", "iphone", "！", "𠀀", "a b", "ｚ", string.Empty };
        var records = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (records.Count < count)
        {
            var key = kinds[random.Next(kinds.Length)] + texts[random.Next(texts.Length)] + random.Next(count * 4).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var value = new byte[random.Next(0, 300)];
            random.NextBytes(value);
            records[key] = value;
        }

        records["i"] = [1, 2, 3];
        return [.. records.Select(r => new IndexRecord(r.Key, r.Value)).OrderBy(_ => random.Next())];
    }

    private static byte[] InMemoryFile(IEnumerable<IndexRecord> records, string description)
    {
        var build = IndexBuild.Create(c => "v-" + c.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), CreatedAt, description, records);
        using var stream = new MemoryStream();
        IndexFile.Write(build, stream);
        return stream.ToArray();
    }

    [Theory]
    [InlineData(1L << 30, 1)] // one in-memory run
    [InlineData(20_000L, 1)] // many runs spilled to disk
    [InlineData(1L, 1)] // a run per record
    [InlineData(1L << 30, 3)] // one in-memory buffer sorted in three parts
    [InlineData(20_000L, 2)] // runs sorted and written in the background, the merge beside the writing
    [InlineData(1L, 4)]
    public void Complete_AnyRunSizeAndThreads_SameBytesAsInMemoryWrite(long runBytes, int threads)
    {
        var records = Records(threads > 1 && runBytes > 1 ? 30_000 : 3000, seed: 11);
        var path = Path.Combine(_dir.Path, "out", "index.qrx");

        IndexManifestSummary manifest;
        int runs;
        using (var writer = new IndexFileWriter(path, runBytes, threads))
        {
            foreach (var record in records)
            {
                writer.Add(record);
            }

            var written = writer.Complete(c => "v-" + c.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), CreatedAt, "desc");
            manifest = new(written.TotalRecords, written.Checksum, written.Version);
            runs = writer.Runs;
            Assert.Equal(records.Count, writer.Kinds.Values.Sum(k => k.Records));
        }

        Assert.Equal(InMemoryFile(records, "desc"), File.ReadAllBytes(path));
        var read = IndexFile.ReadFile(path);
        Assert.Equal(records.Count, manifest.TotalRecords);
        Assert.Equal(read.Manifest.Checksum, manifest.Checksum);
        Assert.Equal(read.Manifest.Version, manifest.Version);
        Assert.Equal(runBytes < 1_000_000, runs > 1);
        // Only the index file is left: no runs, no temporary records file.
        Assert.Equal(["index.qrx"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Complete_VersionLengthNotKnownBeforeTheChecksum_SameBytesAsInMemoryWrite()
    {
        // The manifest's room is sized before the merge: a version id whose length depends on the checksum moves the records.
        var records = Records(2000, seed: 5);
        var path = Path.Combine(_dir.Path, "index.qrx");
        static string VersionOf(ulong checksum) => "v" + new string('x', (int)(checksum % 7) + (checksum == ulong.MaxValue ? 20 : 0));

        using (var writer = new IndexFileWriter(path, runBytes: 50_000, threads: 2))
        {
            foreach (var record in records)
            {
                writer.Add(record);
            }

            writer.Complete(VersionOf, CreatedAt, "desc");
        }

        var build = IndexBuild.Create(VersionOf, CreatedAt, "desc", records);
        using var expected = new MemoryStream();
        IndexFile.Write(build, expected);
        Assert.Equal(expected.ToArray(), File.ReadAllBytes(path));
        Assert.Equal(["index.qrx"], Directory.GetFileSystemEntries(_dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Complete_DuplicateKeyInDifferentRuns_ThrowsAndLeavesNoFile(int threads)
    {
        var path = Path.Combine(_dir.Path, "dup.qrx");
        using (var writer = new IndexFileWriter(path, runBytes: 1, threads))
        {
            writer.Add(new IndexRecord("q:a", [1]));
            writer.Add(new IndexRecord("q:b", [2]));
            writer.Add(new IndexRecord("q:a", [3]));

            var ex = Assert.Throws<ArgumentException>(() => writer.Complete(_ => "v1", CreatedAt, string.Empty));
            Assert.Contains("Duplicate index key 'q:a'", ex.Message, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
    }

    [Fact]
    public void Add_EmptyKey_Throws()
    {
        using var writer = new IndexFileWriter(Path.Combine(_dir.Path, "e.qrx"));

        Assert.Throws<ArgumentException>(() => writer.Add(new IndexRecord(string.Empty, [1])));
    }

    [Fact]
    public void Complete_InvalidVersion_Throws()
    {
        using var writer = new IndexFileWriter(Path.Combine(_dir.Path, "v.qrx"));
        writer.Add(new IndexRecord("q:a", [1]));

        Assert.Throws<ArgumentException>(() => writer.Complete(_ => "bad version", CreatedAt, string.Empty));
    }

    private readonly record struct IndexManifestSummary(long TotalRecords, ulong Checksum, string Version);
}
