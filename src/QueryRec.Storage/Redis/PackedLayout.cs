using System.Buffers;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;

namespace QueryRec.Storage.Redis;

/// <summary>
/// The packed Redis layout of an index version (docs/performance.md "Redis memory"): instead of one key per record,
/// the records (sorted by key) are cut into buckets of about <see cref="RedisIndexOptions.BucketBytes"/> bytes, each
/// stored as one Brotli-compressed string <c>{ns}b:{i}</c>; the completion texts of the completion-table nodes
/// (p:, py:, pi:, x:) are replaced by ids into a per-version text table (<c>{ns}s:{i}</c>, <see cref="TextsPerChunk"/>
/// texts per chunk, in the order first seen, see <see cref="PackedEncoder"/>); a directory (<c>{ns}dir</c>: the first key and record count of every bucket, and the
/// text count) is written once every bucket is (until then a reservation key bounds the bucket and chunk numbers), and serves as the catalog of the version's keys. Decoding gives back the
/// records' exact bytes, so the manifest's checksum validates a packed version as it validates a file.
/// </summary>
/// <remarks>
/// Bucket: a codec byte (0 stored, 1 Brotli), the varint raw length, then the payload: for each record, varint key
/// length, UTF-8 key, varint value length, value. A node value is a mode byte (0: the PrefixNode bytes as they are;
/// 1: varint completion count, then per completion a varint text reference (0: varint length and the completion's
/// bytes; n: text n-1 of the table, then varint length and the completion's bytes after its text field)).
/// Directory: Brotli-compressed format byte <see cref="DirectoryFormat"/>, varint bucket count, varint text count,
/// varint texts per chunk, then per bucket varint record count, varint key length and the UTF-8 first key.
/// </remarks>
internal static class PackedLayout
{
    /// <summary>The directory format this code writes and reads.</summary>
    public const byte DirectoryFormat = 2;

    /// <summary>Texts per text-table chunk.</summary>
    public const int TextsPerChunk = 4096;

    /// <summary>The largest decompressed bucket, directory or text chunk accepted (Redis strings stop at 512 MiB).</summary>
    public const int MaxRawBytes = 512 << 20;

    private const byte CodecStored = 0;
    private const byte CodecBrotli = 1;
    /// <summary>Node mode: the PrefixNode bytes as they are.</summary>
    internal const byte NodeInline = 0;

    /// <summary>Node mode: completions with their texts referenced into the text table.</summary>
    internal const byte NodeReferenced = 1;

    private const byte TextFieldTag = 0x0A; // field 1, length-delimited: PrefixNode.completions and Completion.text

    /// <summary>Whether the values of a record key are <see cref="V1.PrefixNode"/>s whose completion texts go to the text table.</summary>
    public static bool IsNodeKey(string key)
    {
        var kind = IndexKeys.KindOf(key);
        return kind is IndexKeys.PrefixKind or IndexKeys.PinyinFullKind or IndexKeys.PinyinInitialsKind or IndexKeys.InfixKind;
    }

    /// <summary>
    /// The Brotli quality of <see cref="Compress(ReadOnlySpan{byte})"/> and of a publish by default: at 10^6 queries quality 2
    /// takes 150 B of Redis per query against 133 B at quality 5, for 30 % less publish CPU (docs/performance.md "Publish rate").
    /// </summary>
    public const int DefaultQuality = 2;

    /// <summary>Compresses a payload (Brotli, quality <see cref="DefaultQuality"/>), or stores it when that is not smaller.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> raw) => Compress(raw, DefaultQuality);

    /// <summary>Compresses a payload (Brotli at <paramref name="quality"/>, 0..11), or stores it when that is not smaller.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> raw, int quality)
    {
        var max = BrotliEncoder.GetMaxCompressedLength(raw.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(max + 6);
        try
        {
            var head = WriteHeader(buffer, CodecBrotli, raw.Length);
            if (BrotliEncoder.TryCompress(raw, buffer.AsSpan(head), out var written, quality, window: 22) && written < raw.Length)
            {
                return buffer.AsSpan(0, head + written).ToArray();
            }

            var stored = new byte[6 + raw.Length];
            var storedHead = WriteHeader(stored, CodecStored, raw.Length);
            raw.CopyTo(stored.AsSpan(storedHead));
            return stored.AsSpan(0, storedHead + raw.Length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Decompresses what <see cref="Compress"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid compressed payload.</exception>
    public static byte[] Decompress(ReadOnlySpan<byte> stored, string what)
    {
        var reader = new PackedSpanReader(stored, what);
        var codec = reader.Byte();
        var length = reader.Length(MaxRawBytes);
        var payload = stored[reader.Position..];
        var raw = new byte[length];
        switch (codec)
        {
            case CodecStored when payload.Length == length:
                payload.CopyTo(raw);
                return raw;
            case CodecBrotli when BrotliDecoder.TryDecompress(payload, raw, out var written) && written == length:
                return raw;
            default:
                throw new InvalidDataException($"{what} is corrupted (codec {codec}, {payload.Length} bytes for {length}).");
        }
    }

    /// <summary>Reads a directory.</summary>
    /// <exception cref="InvalidDataException">It is corrupted or of another format.</exception>
    public static PackedDirectory ReadDirectory(ReadOnlySpan<byte> stored, string version)
    {
        var what = $"Index {version}: the bucket directory";
        var raw = Decompress(stored, what);
        var reader = new PackedSpanReader(raw, what);
        var format = reader.Byte();
        if (format != DirectoryFormat)
        {
            throw new InvalidDataException($"{what} has format {format}; this build reads {DirectoryFormat}.");
        }

        var buckets = reader.Length(raw.Length);
        var textCount = reader.Length(int.MaxValue);
        var perChunk = reader.Length(int.MaxValue);
        if (perChunk < 1)
        {
            throw new InvalidDataException($"{what} declares {perChunk} texts per chunk.");
        }

        var firstKeys = new string[buckets];
        var counts = new int[buckets];
        for (var i = 0; i < buckets; i++)
        {
            counts[i] = reader.Length(int.MaxValue);
            firstKeys[i] = Encoding.UTF8.GetString(reader.Bytes(reader.Length(raw.Length)));
            if (counts[i] < 1 || (i > 0 && string.CompareOrdinal(firstKeys[i - 1], firstKeys[i]) >= 0))
            {
                throw new InvalidDataException($"{what} is out of order at bucket {i.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        reader.End();
        return new PackedDirectory(firstKeys, counts, textCount, perChunk);
    }

    /// <summary>Appends the texts of a decompressed text chunk to <paramref name="texts"/>.</summary>
    public static void ReadTextChunk(ReadOnlySpan<byte> raw, int expected, List<byte[]> texts, string what)
    {
        var reader = new PackedSpanReader(raw, what);
        for (var i = 0; i < expected; i++)
        {
            texts.Add(reader.Bytes(reader.Length(raw.Length)).ToArray());
        }

        reader.End();
    }

    /// <summary>The records of a decompressed bucket, values restored to their exact bytes.</summary>
    public static List<IndexRecord> ReadBucket(ReadOnlySpan<byte> raw, IReadOnlyList<byte[]> texts, string what)
    {
        var records = new List<IndexRecord>();
        var reader = new PackedSpanReader(raw, what);
        while (!reader.AtEnd)
        {
            var key = Encoding.UTF8.GetString(reader.Bytes(reader.Length(raw.Length)));
            var value = reader.Bytes(reader.Length(raw.Length));
            records.Add(new IndexRecord(key, IsNodeKey(key) ? RestoreNode(value, texts, what) : value.ToArray()));
        }

        return records;
    }

    /// <summary>Finds one record of a decompressed bucket; the value restored to its exact bytes.</summary>
    public static byte[]? FindInBucket(ReadOnlySpan<byte> raw, string key, IReadOnlyList<byte[]> texts, string what)
    {
        var wanted = Encoding.UTF8.GetBytes(key);
        var reader = new PackedSpanReader(raw, what);
        while (!reader.AtEnd)
        {
            var found = reader.Bytes(reader.Length(raw.Length)).SequenceEqual(wanted);
            var value = reader.Bytes(reader.Length(raw.Length));
            if (found)
            {
                return IsNodeKey(key) ? RestoreNode(value, texts, what) : value.ToArray();
            }
        }

        return null;
    }

    internal static void WriteVarint(IBufferWriter<byte> output, uint value)
    {
        output.Advance(Varint.Write(output.GetSpan(5), value));
    }

    private static byte[] RestoreNode(ReadOnlySpan<byte> value, IReadOnlyList<byte[]> texts, string what)
    {
        var reader = new PackedSpanReader(value, what);
        var mode = reader.Byte();
        if (mode == NodeInline)
        {
            return value[1..].ToArray();
        }

        if (mode != NodeReferenced)
        {
            throw new InvalidDataException($"{what}: unknown node mode {mode}.");
        }

        var output = new ArrayBufferWriter<byte>(value.Length * 3);
        var count = reader.Length(value.Length);
        for (var i = 0; i < count; i++)
        {
            var reference = reader.Length(int.MaxValue);
            var rest = reader.Bytes(reader.Length(value.Length));
            if (reference == 0)
            {
                output.GetSpan(1)[0] = TextFieldTag;
                output.Advance(1);
                WriteVarint(output, (uint)rest.Length);
                output.Write(rest);
                continue;
            }

            if (reference > texts.Count)
            {
                throw new InvalidDataException($"{what}: text {reference - 1} is not in the text table ({texts.Count} texts).");
            }

            var text = texts[reference - 1];
            var textField = 1 + Varint.Size((uint)text.Length) + text.Length;
            output.GetSpan(1)[0] = TextFieldTag;
            output.Advance(1);
            WriteVarint(output, (uint)(textField + rest.Length));
            output.GetSpan(1)[0] = TextFieldTag;
            output.Advance(1);
            WriteVarint(output, (uint)text.Length);
            output.Write(text);
            output.Write(rest);
        }

        reader.End();
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The number of completions of a serialized PrefixNode; -1 when it holds anything else.</summary>
    internal static int CountCompletions(ReadOnlySpan<byte> node)
    {
        var count = 0;
        var position = 0;
        while (position < node.Length)
        {
            if (node[position] != TextFieldTag || !TryVarint(node, position + 1, out var length, out var next) || length > node.Length - next)
            {
                return -1;
            }

            count++;
            position = next + (int)length;
        }

        return count;
    }

    /// <summary>The next completion of a node that <see cref="CountCompletions"/> accepted.</summary>
    internal static void NextField(ReadOnlySpan<byte> node, ref int position, out int start, out int length)
    {
        TryVarint(node, position + 1, out var value, out start);
        length = (int)value;
        position = start + length;
    }

    /// <summary>Whether a serialized Completion starts with its text field (valid UTF-8), and where the rest starts.</summary>
    internal static bool TryText(ReadOnlySpan<byte> completion, out int textStart, out int textLength, out int rest, bool checkUtf8 = true)
    {
        textStart = textLength = rest = 0;
        if (completion.Length == 0 || completion[0] != TextFieldTag || !TryVarint(completion, 1, out var length, out var next)
            || length > completion.Length - next || (checkUtf8 && !Utf8.IsValid(completion.Slice(next, (int)length))))
        {
            return false;
        }

        textStart = next;
        textLength = (int)length;
        rest = next + (int)length;
        return true;
    }

    /// <summary>Reads a varint of at most 5 bytes that fits an int at <paramref name="position"/>; <paramref name="next"/> is where it ends.</summary>
    internal static bool TryVarint(ReadOnlySpan<byte> span, int position, out uint value, out int next)
    {
        value = 0;
        for (var shift = 0; shift < 35 && position < span.Length; shift += 7)
        {
            var b = span[position++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                next = position;
                return value <= int.MaxValue;
            }
        }

        next = position;
        return false;
    }

    private static int WriteHeader(Span<byte> buffer, byte codec, int length)
    {
        buffer[0] = codec;
        return 1 + Varint.Write(buffer[1..], (uint)length);
    }
}
