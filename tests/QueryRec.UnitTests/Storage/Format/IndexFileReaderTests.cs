using System.Buffers.Binary;
using System.Text;
using CsCheck;
using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Storage.Format;

public sealed class IndexFileReaderTests
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly Gen<List<IndexRecord>> Records = Gen.Select(
            Gen.OneOf(Gen.Const("p"), Gen.Const("q"), Gen.Const("x"), Gen.Const("v")),
            Gen.String[Gen.Char["ab游é\uE000\uFFFD:"], 0, 8],
            Gen.Byte.Array[0, 200])
        .Select((kind, key, value) => new IndexRecord(kind + ":" + key, value))
        .List[0, 60]
        .Select(records => records.DistinctBy(r => r.Key, StringComparer.Ordinal).ToList());

    [Fact]
    public void Read_AnyBuildWrittenByIndexFile_YieldsItsRecordsInOrderThenVerifies()
    {
        Records.Sample(records =>
        {
            var build = IndexBuild.Create("v1", CreatedAt, "test", records);
            using var reader = new IndexFileReader(new MemoryStream(Write(build)), "t.qrx");
            var read = new List<IndexRecord>();

            while (reader.Read())
            {
                read.Add(new IndexRecord(reader.KeyString(), reader.Value.ToArray()));
            }

            Assert.Equal(build.Manifest, reader.Manifest);
            Assert.Equal(build.Records.Select(r => r.Key), read.Select(r => r.Key));
            Assert.All(build.Records.Zip(read), pair => Assert.Equal(pair.First.Value, pair.Second.Value));
            Assert.False(reader.Read());
        });
    }

    [Fact]
    public void Read_RecordLargerThanTheBuffer_IsReadWhole()
    {
        var big = new byte[3 << 20];
        Random.Shared.NextBytes(big);
        var build = IndexBuild.Create("v1", CreatedAt, "test", [new IndexRecord("m:model", big), new IndexRecord("q:a", [1])]);
        using var reader = new IndexFileReader(new MemoryStream(Write(build)));

        Assert.True(reader.Read());
        Assert.Equal(big, reader.Value.ToArray());
        Assert.True(reader.Read());
        Assert.False(reader.Read());
    }

    [Fact]
    public void Read_FileTruncatedAnywhere_ThrowsNamingTheFileBeforeOrAtTheEnd()
    {
        var bytes = Write(IndexBuild.Create("v1", CreatedAt, "test", Enumerable.Range(0, 20).Select(i => new IndexRecord($"q:{i:D2}", [(byte)i, 7]))));

        Gen.Int[0, bytes.Length - 1].Sample(cut =>
        {
            var ex = Assert.Throws<InvalidDataException>(() =>
            {
                using var reader = new IndexFileReader(new MemoryStream(bytes[..cut]), "cut.qrx");
                while (reader.Read())
                {
                }
            });

            Assert.StartsWith("cut.qrx ", ex.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Read_CorruptedValueByte_FailsOnTheChecksumAtTheEnd()
    {
        var bytes = Write(IndexBuild.Create("v1", CreatedAt, "test", [new IndexRecord("q:a", [1, 2, 3]), new IndexRecord("q:b", [4, 5, 6])]));
        bytes[^1] ^= 0x01;
        using var reader = new IndexFileReader(new MemoryStream(bytes), "c.qrx");

        Assert.True(reader.Read());
        Assert.True(reader.Read());
        var ex = Assert.Throws<InvalidDataException>(() => reader.Read());

        Assert.Contains("checksum mismatch", ex.Message, StringComparison.Ordinal);
        Assert.True(reader.IsInvalid);
    }

    [Fact]
    public void Read_KeysOutOfOrder_ThrowsNamingTheKey()
    {
        var bytes = WriteRaw(new IndexManifest { Version = "v1", FormatVersion = 1, TotalRecords = 2 }, ("q:b", [1]), ("q:a", [2]));
        using var reader = new IndexFileReader(new MemoryStream(bytes), "o.qrx");

        Assert.True(reader.Read());
        var ex = Assert.Throws<InvalidDataException>(() => reader.Read());

        Assert.Contains("'q:a' does not sort after 'q:b'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingBytesAfterTheDeclaredRecords_Throws()
    {
        var bytes = Write(IndexBuild.Create("v1", CreatedAt, "test", [new IndexRecord("q:a", [1])]));
        using var reader = new IndexFileReader(new MemoryStream([.. bytes, 0x00]), "t.qrx");

        Assert.True(reader.Read());
        var ex = Assert.Throws<InvalidDataException>(() => reader.Read());

        Assert.Contains("trailing bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OtherFormat_ThrowsNamingTheFormat()
    {
        var bytes = Write(IndexBuild.Create("v1", CreatedAt, "test", [new IndexRecord("q:a", [1])]));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), 2);

        var ex = Assert.Throws<InvalidDataException>(() => new IndexFileReader(new MemoryStream(bytes), "f.qrx"));

        Assert.Contains("format 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareOrdinal_AnyTwoStrings_OrdersTheirUtf8AsStringCompareOrdinal()
    {
        // Characters on both sides of the surrogate range: UTF-16 puts supplementary characters before U+E000..U+FFFF.
        var text = Gen.Int[0, 6].Select(static i => new[] { "a", "é", "\uD7FF", "\uE000", "\uFFFD", "😀", "𠀀" }[i]).Array[0, 5].Select(string.Concat);

        Gen.Select(text, text).Sample((a, b) =>
        {
            var expected = Math.Sign(string.CompareOrdinal(a, b));
            var actual = Math.Sign(IndexFileReader.CompareOrdinal(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b)));
            Assert.Equal(expected, actual);
        });
    }

    private static byte[] Write(IndexBuild build)
    {
        var stream = new MemoryStream();
        IndexFile.Write(build, stream);
        return stream.ToArray();
    }

    /// <summary>A file with records in the order given (no sorting or checks), for files the writer cannot produce.</summary>
    private static byte[] WriteRaw(IndexManifest manifest, params (string Key, byte[] Value)[] records)
    {
        var stream = new MemoryStream();
        stream.Write("QRIX"u8);
        stream.Write([1, 0, 0, 0]);
        manifest.WriteDelimitedTo(stream);
        foreach (var (key, value) in records)
        {
            new IndexFileRecord { Key = key, Value = ByteString.CopyFrom(value) }.WriteDelimitedTo(stream);
        }

        return stream.ToArray();
    }
}
