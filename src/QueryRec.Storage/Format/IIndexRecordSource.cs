namespace QueryRec.Storage;

/// <summary>Sorted records read one at a time, each valid until the next <see cref="Read"/> (a file, or a build in memory).</summary>
internal interface IIndexRecordSource
{
    /// <summary>The current record's key (UTF-8).</summary>
    ReadOnlySpan<byte> Key { get; }

    /// <summary>The current record's value.</summary>
    ReadOnlySpan<byte> Value { get; }

    /// <summary>Advances to the next record; false at the end (a file has then verified its counts and checksum).</summary>
    bool Read();
}

/// <summary>The records of a build in memory, keys encoded to UTF-8 one at a time.</summary>
internal sealed class BuildRecordSource(IReadOnlyList<IndexRecord> records) : IIndexRecordSource
{
    private int _next;
    private byte[] _key = new byte[256];
    private int _keyLength;
    private byte[] _value = [];

    /// <inheritdoc />
    public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    /// <inheritdoc />
    public ReadOnlySpan<byte> Value => _value;

    /// <inheritdoc />
    public bool Read()
    {
        if (_next == records.Count)
        {
            return false;
        }

        var record = records[_next++];
        var length = System.Text.Encoding.UTF8.GetMaxByteCount(record.Key.Length);
        if (_key.Length < length)
        {
            _key = new byte[length];
        }

        _keyLength = System.Text.Encoding.UTF8.GetBytes(record.Key, _key);
        _value = record.Value;
        return true;
    }
}
