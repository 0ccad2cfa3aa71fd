using System.Text;
using QueryRec.Core.Matching;
using QueryRec.Storage;

namespace QueryRec.Indexer.Build;

/// <summary>
/// A query's pinyin readings packed into one UTF-8 array while the pinyin tables are built: for each reading, its
/// level (<see cref="PinyinKey.SecondaryReadings"/>), then its full pinyin and its initials, each length-prefixed.
/// </summary>
internal readonly struct PackedPinyinKeys
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[]? _packed;
    private readonly IReadOnlyList<PinyinKey>? _unpacked; // a reading UTF-8 cannot carry (a lone surrogate): kept as is

    private PackedPinyinKeys(byte[]? packed, IReadOnlyList<PinyinKey>? unpacked)
    {
        _packed = packed;
        _unpacked = unpacked;
    }

    /// <summary>Packs the readings.</summary>
    public static PackedPinyinKeys Pack(IReadOnlyList<PinyinKey> readings)
    {
        var buffer = Array.Empty<byte>();
        var at = 0;
        return TryAppend(readings, ref buffer, ref at) ? new(buffer.AsSpan(0, at).ToArray(), null) : new(null, readings);
    }

    /// <summary>
    /// Packs the readings at <paramref name="at"/> of <paramref name="buffer"/> (grown as needed) and moves
    /// <paramref name="at"/> past them; false, with nothing written, when UTF-8 cannot carry one (a lone surrogate).
    /// </summary>
    public static bool TryAppend(IReadOnlyList<PinyinKey> readings, ref byte[] buffer, ref int at)
    {
        var size = 0;
        try
        {
            foreach (var reading in readings)
            {
                size += 3 * 5 + Strict.GetByteCount(reading.Full) + Strict.GetByteCount(reading.Initials);
            }
        }
        catch (EncoderFallbackException)
        {
            return false;
        }

        if (buffer.Length - at < size)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, at + size));
        }

        foreach (var reading in readings)
        {
            at += Varint.Write(buffer.AsSpan(at), (uint)reading.SecondaryReadings);
            at += WriteString(buffer.AsSpan(at), reading.Full);
            at += WriteString(buffer.AsSpan(at), reading.Initials);
        }

        return true;

        static int WriteString(Span<byte> to, string text)
        {
            var length = Varint.Write(to, (uint)Strict.GetByteCount(text));
            return length + Strict.GetBytes(text, to[length..]);
        }
    }

    /// <summary>
    /// The readings, in their order, into <paramref name="readings"/> (cleared first); only the full pinyin, or
    /// only the initials (<paramref name="initials"/>), is decoded, the other left empty.
    /// </summary>
    public void Unpack(List<PinyinKey> readings, bool initials)
    {
        readings.Clear();
        if (_unpacked is not null)
        {
            readings.AddRange(_unpacked);
            return;
        }

        Unpack(_packed, readings, initials);
    }

    /// <summary>Packed readings (<see cref="TryAppend"/>), in their order, appended to <paramref name="readings"/>, as <see cref="Unpack(List{PinyinKey}, bool)"/> gives them.</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, List<PinyinKey> readings, bool initials)
    {
        var span = packed;
        while (!span.IsEmpty)
        {
            var level = (int)Varint.Read(ref span);
            var full = ReadString(ref span, decode: !initials);
            var initialsText = ReadString(ref span, decode: initials);
            readings.Add(new PinyinKey(full, initialsText) { SecondaryReadings = level });
        }

        static string ReadString(ref ReadOnlySpan<byte> span, bool decode)
        {
            var length = (int)Varint.Read(ref span);
            var text = decode ? Encoding.UTF8.GetString(span[..length]) : string.Empty;
            span = span[length..];
            return text;
        }
    }

    /// <summary>Packed readings' (<see cref="TryAppend"/>) texts for one table, appended to <paramref name="texts"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> packed, bool initials, PinyinReadingTexts texts)
    {
        var span = packed;
        while (!span.IsEmpty)
        {
            var level = (int)Varint.Read(ref span);
            var full = ReadBytes(ref span);
            var initialsBytes = ReadBytes(ref span);
            var bytes = initials ? initialsBytes : full;
            var chars = texts.Reserve(level, Encoding.UTF8.GetCharCount(bytes));
            Encoding.UTF8.GetChars(bytes, chars);
        }

        static ReadOnlySpan<byte> ReadBytes(ref ReadOnlySpan<byte> span)
        {
            var length = (int)Varint.Read(ref span);
            var bytes = span[..length];
            span = span[length..];
            return bytes;
        }
    }
}
