using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Storage.Format;

public sealed class IndexFileTests
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Read_WrittenBuild_RoundTripsManifestAndRecords()
    {
        var build = CreateBuild();

        var read = IndexFile.Read(new MemoryStream(Write(build)));

        Assert.Equal(build.Manifest, read.Manifest);
        Assert.Equal(build.Records.Select(r => r.Key), read.Records.Select(r => r.Key));
        Assert.All(build.Records.Zip(read.Records), pair => Assert.Equal(pair.First.Value, pair.Second.Value));
    }

    [Fact]
    public void ReadFile_FileWrittenByWriteFile_RoundTripsChecksum()
    {
        var build = CreateBuild();
        var path = Path.Combine(Path.GetTempPath(), "queryrec-" + Guid.NewGuid().ToString("N") + ".qrx");
        try
        {
            IndexFile.WriteFile(build, path);

            var read = IndexFile.ReadFile(path);

            Assert.Equal(build.Manifest.Checksum, IndexBuild.ComputeChecksum(read.Records));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(-1)]
    [InlineData(-7)]
    public void Read_TruncatedFile_ThrowsInvalidDataException(int length)
    {
        var bytes = Write(CreateBuild());
        var cut = length >= 0 ? length : bytes.Length + length;

        Assert.Throws<InvalidDataException>(() => IndexFile.Read(new MemoryStream(bytes[..cut])));
    }

    [Fact]
    public void Read_TruncatedAtRecordBoundary_ThrowsInvalidDataException()
    {
        var build = CreateBuild();
        var stream = new MemoryStream();
        IndexFile.Write(build, stream);
        var full = stream.ToArray();
        var lastRecord = new IndexFileRecord { Key = build.Records[^1].Key, Value = ByteString.CopyFrom(build.Records[^1].Value) };
        var lastRecordLength = CodedOutputStream.ComputeLengthSize(lastRecord.CalculateSize()) + lastRecord.CalculateSize();

        Assert.Throws<InvalidDataException>(() => IndexFile.Read(new MemoryStream(full[..^lastRecordLength])));
    }

    [Fact]
    public void Read_BadMagic_ThrowsInvalidDataException()
    {
        var bytes = Write(CreateBuild());
        bytes[0] = (byte)'X';

        Assert.Throws<InvalidDataException>(() => IndexFile.Read(new MemoryStream(bytes)));
    }

    [Fact]
    public void Read_CorruptedValueByte_ThrowsInvalidDataException()
    {
        var bytes = Write(CreateBuild());
        bytes[^1] ^= 0x01; // inside the last record's value: still parses, checksum differs

        var ex = Assert.Throws<InvalidDataException>(() => IndexFile.Read(new MemoryStream(bytes)));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Write(IndexBuild build)
    {
        var stream = new MemoryStream();
        IndexFile.Write(build, stream);
        return stream.ToArray();
    }

    private static IndexBuild CreateBuild()
    {
        var node = new PrefixNode { Completions = { new Completion { Text = "gear", Score = 3.5, Count = 12, DistinctUsers = 4 } } };
        var stats = new QueryStats { Text = "gear", Count = 12, DistinctUsers = 4, Popularity = 3.5, Clicks = 1 };
        IndexRecord[] records =
        [
            new(IndexKeys.Prefix("g"), node.ToByteArray()),
            new(IndexKeys.Prefix("ge"), node.ToByteArray()),
            new(IndexKeys.Query("gear"), stats.ToByteArray()),
        ];
        return IndexBuild.Create("v1", CreatedAt, "unit test", records);
    }
}
