using CsCheck;
using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.Redis;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Storage.Redis;

public sealed class PackedLayoutTests
{
    private static readonly Gen<string> Text = Gen.String[Gen.Char["ab游戏é "], 0, 6];

    private static readonly Gen<Completion> CompletionGen = Gen.Select(Text, Gen.Double[0, 100], Gen.Long[0, 1000], Gen.Bool, Text.List[0, 3], Gen.UInt[0, 10_000], Gen.UInt[0, 10_000], Gen.ULong[0, 1_000_000])
        .Select((text, score, count, pinned, categories, ctr, cvr, gmv) => new Completion { Text = text, Score = score, Count = count, Pinned = pinned, TopCategories = { categories }, CtrBp = ctr, CvrBp = cvr, Gmv = gmv });

    private static readonly Gen<byte[]> NodeBytes = CompletionGen.List[0, 5].Select(c => new PrefixNode { Completions = { c } }.ToByteArray());

    /// <summary>Records of node kinds (PrefixNode values) and other kinds (arbitrary bytes, also bytes that are no PrefixNode).</summary>
    private static readonly Gen<List<IndexRecord>> Records = Gen.Select(
            Gen.Select(Gen.OneOf(Gen.Const("p"), Gen.Const("py"), Gen.Const("pi"), Gen.Const("x")), Text, NodeBytes).Select((kind, key, value) => new IndexRecord(kind + ":" + key, value)).List[0, 40],
            Gen.Select(Gen.OneOf(Gen.Const("q"), Gen.Const("v"), Gen.Const("p")), Text, Gen.Byte.Array[0, 300]).Select((kind, key, value) => new IndexRecord(kind + ":" + key + "!", value)).List[0, 20])
        .Select((nodes, others) => IndexBuild.Create("v1", DateTimeOffset.UnixEpoch, "", Distinct(nodes.Concat(others))).Records.ToList());

    [Fact]
    public void EncodeBucket_AnyRecords_DecodesToTheExactRecordsInOrder()
    {
        Gen.Select(Records, Gen.Int[256, 4096]).Sample((records, bucketBytes) =>
        {
            var (directory, raw, texts) = Pack(records, bucketBytes);

            var decoded = raw.SelectMany((bucket, i) => PackedLayout.ReadBucket(bucket, texts, "bucket " + i)).ToList();

            Assert.Equal(records.Count, directory.TotalRecords);
            Assert.Equal(records.Select(r => r.Key), decoded.Select(r => r.Key));
            Assert.All(records.Zip(decoded), pair => Assert.Equal(pair.First.Value, pair.Second.Value));
        });
    }

    [Fact]
    public void FindInBucket_EveryKeyThroughTheDirectory_ReturnsItsExactValue()
    {
        Gen.Select(Records, Gen.Int[256, 4096]).Sample((records, bucketBytes) =>
        {
            var (directory, raw, texts) = Pack(records, bucketBytes);

            foreach (var record in records)
            {
                var bucket = directory.BucketOf(record.Key);
                Assert.Equal(record.Value, PackedLayout.FindInBucket(raw[bucket], record.Key, texts, "bucket"));
            }
        });
    }

    [Fact]
    public void FindInBucket_AbsentKey_ReturnsNull()
    {
        var records = Build(("p:ga", Node("gadget")), ("p:ge", Node("gear")), ("q:gear", [1, 2, 3])).Records;
        var (directory, raw, texts) = Pack(records, 1 << 16);

        var bucket = directory.BucketOf("p:gb");

        Assert.Equal(0, bucket);
        Assert.Null(PackedLayout.FindInBucket(raw[bucket], "p:gb", texts, "bucket"));
        Assert.Equal(-1, directory.BucketOf("a:before-everything"));
    }

    [Fact]
    public void Encoder_SharedCompletionTexts_StoresEachTextOnceInTheOrderFirstSeen()
    {
        var records = Build(("p:g", Node("gear", "gadget")), ("p:ge", Node("gear")), ("py:g", Node("gadget", "gear")), ("x:ge", Node("big gear"))).Records;

        var (directory, _, texts) = Pack(records, 1 << 16);

        Assert.Equal(1, directory.TextChunkCount);
        Assert.Equal(["gear", "gadget", "big gear"], texts.Select(t => System.Text.Encoding.UTF8.GetString(t)));
    }

    [Fact]
    public void Encoder_MoreTextsThanAChunk_EmitsFullChunksWhileEncodingAndThePartialOneLast()
    {
        var texts = Enumerable.Range(0, PackedLayout.TextsPerChunk + 5).Select(i => "q" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var records = Build([.. texts.Select(t => ("p:" + t, Node(t)))]).Records;
        var emitted = new List<(PackedUnitKind Kind, int Index)>();
        var encoder = new PackedEncoder(256, unit =>
        {
            using (unit)
            {
                emitted.Add((unit.Kind, unit.Index));
            }
        });

        var source = new BuildRecordSource(records);
        while (source.Read())
        {
            encoder.Add(source.Key, source.Value);
        }

        var beforeComplete = emitted.Count(u => u.Kind == PackedUnitKind.TextChunk);
        encoder.Complete();

        Assert.Equal(1, beforeComplete);
        Assert.Equal([0, 1], emitted.Where(u => u.Kind == PackedUnitKind.TextChunk).Select(u => u.Index));
        Assert.Equal(Enumerable.Range(0, encoder.BucketCount), emitted.Where(u => u.Kind == PackedUnitKind.Bucket).Select(u => u.Index));
        Assert.Equal(texts.Count, encoder.TextCount);
    }

    [Fact]
    public void Encoder_RecordsOfTwoKinds_NeverShareABucket()
    {
        var records = Build(("p:g", Node("gear")), ("pi:g", Node("gear")), ("q:gear", [1])).Records;

        var (directory, _, _) = Pack(records, 1 << 16);

        Assert.Equal(["p:g", "pi:g", "q:gear"], Enumerable.Range(0, directory.BucketCount).Select(directory.FirstKey));
    }

    [Fact]
    public void Decompress_CorruptedOrTruncatedBytes_ThrowsInvalidData()
    {
        var records = Build(("p:ga", Node("gadget", "gear", "game")), ("q:gear", new byte[200])).Records;
        var stored = PackedLayout.Compress(Pack(records, 1 << 16).Raw[0]);

        Gen.Int[0, stored.Length - 1].Select(Gen.Byte).Sample((index, value) =>
        {
            var damaged = stored.ToArray();
            damaged[index] ^= (byte)(value | 1);
            var truncated = stored.AsSpan(0, index).ToArray();

            AssertDecodesOrThrowsInvalidData(damaged);
            Assert.Throws<InvalidDataException>(() => PackedLayout.Decompress(truncated, "bucket"));
        });

        void AssertDecodesOrThrowsInvalidData(byte[] bytes)
        {
            try
            {
                _ = PackedLayout.ReadBucket(PackedLayout.Decompress(bytes, "bucket"), [], "bucket");
            }
            catch (InvalidDataException)
            {
                // The expected refusal; anything else (an index or overflow exception) fails the test.
            }
        }
    }

    [Fact]
    public void ReadDirectory_OtherFormat_ThrowsNamingTheFormat()
    {
        var stored = PackedLayout.Compress([9, 0, 0, 1]);

        var ex = Assert.Throws<InvalidDataException>(() => PackedLayout.ReadDirectory(stored, "v7"));

        Assert.Contains("format 9", ex.Message, StringComparison.Ordinal);
        Assert.Contains("v7", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Packs records as a publish does, returning the directory, the decompressed buckets and the text table.</summary>
    private static (PackedDirectory Directory, List<byte[]> Raw, List<byte[]> Texts) Pack(IReadOnlyList<IndexRecord> records, int bucketBytes)
    {
        var buckets = new List<byte[]>();
        var chunks = new List<byte[]>();
        var encoder = new PackedEncoder(bucketBytes, unit =>
        {
            using (unit)
            {
                (unit.Kind == PackedUnitKind.Bucket ? buckets : chunks).Add(PackedLayout.Compress(unit.Raw, 1));
            }
        });
        var source = new BuildRecordSource(records);
        while (source.Read())
        {
            encoder.Add(source.Key, source.Value);
        }

        encoder.Complete();
        var directory = PackedLayout.ReadDirectory(encoder.EncodeDirectory(1), "v1");
        var texts = new List<byte[]>();
        for (var i = 0; i < chunks.Count; i++)
        {
            PackedLayout.ReadTextChunk(PackedLayout.Decompress(chunks[i], "texts"), directory.TextsIn(i), texts, "texts");
        }

        Assert.Equal(directory.TextChunkCount, chunks.Count);
        Assert.Equal(directory.TextCount, texts.Count);
        Assert.Equal(directory.BucketCount, buckets.Count);
        var raw = buckets.Select(b => PackedLayout.Decompress(b, "bucket")).ToList();
        return (directory, raw, texts);
    }

    private static IEnumerable<IndexRecord> Distinct(IEnumerable<IndexRecord> records)
        => records.DistinctBy(r => r.Key, StringComparer.Ordinal);

    private static IndexBuild Build(params (string Key, byte[] Value)[] records)
        => IndexBuild.Create("v1", DateTimeOffset.UnixEpoch, "", records.Select(r => new IndexRecord(r.Key, r.Value)));

    private static byte[] Node(params string[] texts)
        => new PrefixNode { Completions = { texts.Select((t, i) => new Completion { Text = t, Score = 10 - i, Count = 3 }) } }.ToByteArray();
}
