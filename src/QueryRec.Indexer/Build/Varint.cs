namespace QueryRec.Indexer.Build;

/// <summary>Base-128 varints (protobuf's, 7 bits a byte, low bits first) as the build's packed arrays write them.</summary>
internal static class Varint
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
