namespace QueryRec.Storage;

/// <summary>
/// The records of the slices of a partitioned build in key order: a k-way merge of their readers, each of which
/// verifies its own file as it goes. The slices' keys are disjoint; a key found in two slices is refused.
/// </summary>
internal sealed class SliceMerge : IIndexRecordSource, IDisposable
{
    private readonly IndexFileReader[] _readers;
    private readonly string[] _names;
    private readonly PriorityQueue<int, int> _queue;
    private int _current = -1;

    /// <summary>Merges <paramref name="readers"/> (slice I at index I, named <paramref name="names"/>[I] in errors); disposing the merge disposes them.</summary>
    /// <exception cref="InvalidDataException">A slice is truncated or corrupted.</exception>
    public SliceMerge(IndexFileReader[] readers, string[] names)
    {
        _readers = readers;
        _names = names;
        _queue = new PriorityQueue<int, int>(readers.Length, Comparer<int>.Create((a, b) => IndexFileReader.CompareOrdinal(_readers[a].Key, _readers[b].Key)));
        try
        {
            for (var i = 0; i < readers.Length; i++)
            {
                Advance(i);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public ReadOnlySpan<byte> Key => _readers[_current].Key;

    /// <inheritdoc />
    public ReadOnlySpan<byte> Value => _readers[_current].Value;

    /// <summary>Advances to the next record of the union; false once every slice has been read and verified.</summary>
    /// <exception cref="InvalidDataException">A slice is truncated or corrupted, or two slices hold the same key.</exception>
    public bool Read()
    {
        if (_current >= 0)
        {
            // A reader's key is read only while it is queued, so the queue's order holds until it is dequeued.
            Advance(_current);
            _current = -1;
        }

        if (!_queue.TryDequeue(out var next, out _))
        {
            return false;
        }

        if (_queue.TryPeek(out var other, out _) && _readers[next].Key.SequenceEqual(_readers[other].Key))
        {
            var (first, second) = next < other ? (next, other) : (other, next);
            throw new InvalidDataException($"Key '{_readers[next].KeyString()}' is in two slices: {_names[first]} and {_names[second]}; slices of one build hold disjoint keys.");
        }

        _current = next;
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }

    private void Advance(int slice)
    {
        if (_readers[slice].Read())
        {
            _queue.Enqueue(slice, slice);
        }
    }
}
