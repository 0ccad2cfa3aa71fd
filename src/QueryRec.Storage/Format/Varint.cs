namespace QueryRec.Storage;

/// <summary>
/// Base-128 varints (protobuf's, 7 bits a byte, low bits first) of 32-bit values, written into spans: the index file's
/// record framing, the packed Redis buckets and the build's packed arrays. Reads of untrusted bytes check bounds where
/// they are made (<c>PackedLayout.TryVarint</c>, <c>IndexFileReader</c>); <see cref="Read"/> is for bytes this process wrote.
/// </summary>
public static class Varint
{
    /// <summary>The bytes <paramref name="value"/> takes.</summary>
    public static int Size(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    /// <summary>Writes <paramref name="value"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> to, uint value)
    {
        var i = 0;
        for (; value >= 0x80; value >>= 7)
        {
            to[i++] = (byte)(value | 0x80);
        }

        to[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a value at the start of <paramref name="span"/> and moves past it.</summary>
    public static uint Read(ref ReadOnlySpan<byte> span)
    {
        uint value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = span[0];
            span = span[1..];
            value |= (uint)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);
        return value;
    }
}
