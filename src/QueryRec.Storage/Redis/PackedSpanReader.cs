using System.Globalization;

namespace QueryRec.Storage.Redis;

/// <summary>A bounds-checked reader of varints and byte runs; any overrun is an <see cref="InvalidDataException"/>.</summary>
internal ref struct PackedSpanReader(ReadOnlySpan<byte> span, string what)
{
    private readonly ReadOnlySpan<byte> _span = span;
    private readonly string _what = what;

    public int Position { get; private set; }

    public readonly bool AtEnd => Position >= _span.Length;

    public byte Byte()
    {
        if (Position >= _span.Length)
        {
            throw Truncated();
        }

        return _span[Position++];
    }

    public int Length(int max)
    {
        if (!PackedLayout.TryVarint(_span, Position, out var value, out var next) || value > (uint)max)
        {
            throw new InvalidDataException($"{_what} is corrupted (bad length at byte {Position.ToString(CultureInfo.InvariantCulture)}).");
        }

        Position = next;
        return (int)value;
    }

    public ReadOnlySpan<byte> Bytes(int length)
    {
        if (length > _span.Length - Position)
        {
            throw Truncated();
        }

        var bytes = _span.Slice(Position, length);
        Position += length;
        return bytes;
    }

    public readonly void End()
    {
        if (!AtEnd)
        {
            throw new InvalidDataException($"{_what} has {(_span.Length - Position).ToString(CultureInfo.InvariantCulture)} trailing bytes.");
        }
    }

    private readonly InvalidDataException Truncated() => new($"{_what} is truncated.");
}
