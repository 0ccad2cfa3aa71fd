using System.Buffers;

namespace QueryRec.Storage.Redis;

/// <summary>A growable byte buffer over <see cref="ArrayPool{T}.Shared"/>.</summary>
internal sealed class PooledBufferWriter(int initialCapacity) : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(16, initialCapacity));

    /// <summary>Bytes written.</summary>
    public int WrittenCount { get; private set; }

    /// <summary>The bytes written.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, WrittenCount);

    /// <summary>Forgets what was written (keeps the buffer).</summary>
    public void Reset() => WrittenCount = 0;

    /// <inheritdoc />
    public void Advance(int count) => WrittenCount += count;

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(WrittenCount);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(WrittenCount);
    }

    /// <summary>Appends bytes.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(WrittenCount));
        WrittenCount += bytes.Length;
    }

    /// <summary>Appends one byte.</summary>
    public void WriteByte(byte value)
    {
        Reserve(1);
        _buffer[WrittenCount++] = value;
    }

    /// <summary>Appends a varint.</summary>
    public void WriteVarint(uint value)
    {
        Reserve(5);
        WrittenCount += Varint.Write(_buffer.AsSpan(WrittenCount), value);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Reserve(int sizeHint)
    {
        var needed = WrittenCount + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        WrittenSpan.CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
