namespace QueryRec.Storage.Redis;

/// <summary>A finished bucket or text chunk, raw: the consumer compresses it and then disposes it (the buffer is pooled).</summary>
internal sealed class PackedUnit(PackedUnitKind kind, int index, PooledBufferWriter raw, int records) : IDisposable
{
    /// <summary>Bucket or text chunk.</summary>
    public PackedUnitKind Kind => kind;

    /// <summary>The bucket or chunk number.</summary>
    public int Index => index;

    /// <summary>The uncompressed payload.</summary>
    public ReadOnlySpan<byte> Raw => raw.WrittenSpan;

    /// <summary>Records in the bucket (0 for a text chunk).</summary>
    public int Records => records;

    /// <inheritdoc />
    public void Dispose() => raw.Dispose();
}
