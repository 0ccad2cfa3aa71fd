using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Packs sorted records into the <see cref="PackedLayout"/> in one forward pass: records go into the open bucket (cut at
/// about <c>bucketBytes</c> and at every kind change), completion texts of node records get ids in the order they are
/// first seen, and each finished bucket or text-table chunk is handed out raw (uncompressed) as a <see cref="PackedUnit"/>
/// while the pass goes on. Memory: the open bucket and text chunk, the directory's first keys, and the text table's
/// dictionary (the distinct completion texts, about 40 B of overhead each), never the records.
/// </summary>
internal sealed class PackedEncoder
{
    /// <summary>Texts longer than this stay inline in their node (the table is for query texts).</summary>
    public const int MaxTableText = 4096;

    private readonly int _bucketBytes;
    private readonly Action<PackedUnit> _emit;
    private readonly TextTable _texts = new();
    private readonly List<string> _firstKeys = [];
    private readonly List<int> _counts = [];
    private readonly PooledBufferWriter _node = new(1024);
    private PooledBufferWriter? _bucket;
    private PooledBufferWriter _chunk = new(1 << 16);
    private byte[] _kind = new byte[16];
    private int _kindLength = -1;
    private bool _nodeKind;
    private long _size;
    private int _records;
    private int _chunkTexts;
    private bool _completed;

    /// <summary>Creates an encoder that hands every finished bucket and text chunk to <paramref name="emit"/>.</summary>
    public PackedEncoder(int bucketBytes, Action<PackedUnit> emit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, 1);
        _bucketBytes = bucketBytes;
        _emit = emit;
    }

    /// <summary>Buckets emitted so far.</summary>
    public int BucketCount => _firstKeys.Count - (_bucket is null ? 0 : 1);

    /// <summary>Texts in the table so far.</summary>
    public int TextCount => _texts.Count;

    /// <summary>Text-table chunks emitted so far.</summary>
    public int TextChunkCount { get; private set; }

    /// <summary>Records added so far.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Adds the next record; keys must ascend (the caller checks).</summary>
    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var colon = key.IndexOf((byte)':');
        var kind = colon < 0 ? key : key[..colon];
        var sameKind = _kindLength >= 0 && kind.SequenceEqual(_kind.AsSpan(0, _kindLength));
        long bytes = key.Length + value.Length + 4;
        if (_bucket is not null && (_size + bytes > _bucketBytes || !sameKind))
        {
            CloseBucket();
        }

        if (!sameKind)
        {
            if (_kind.Length < kind.Length)
            {
                _kind = new byte[kind.Length * 2];
            }

            kind.CopyTo(_kind);
            _kindLength = kind.Length;
            _nodeKind = IsNodeKind(kind);
        }

        if (_bucket is null)
        {
            _bucket = new PooledBufferWriter(Math.Max(_bucketBytes + (_bucketBytes / 4), (int)Math.Min(bytes + 16, int.MaxValue)));
            _firstKeys.Add(Encoding.UTF8.GetString(key));
            _size = 0;
            _records = 0;
        }

        _size += bytes;
        _records++;
        RecordCount++;
        _bucket.WriteVarint((uint)key.Length);
        _bucket.Write(key);
        if (_nodeKind)
        {
            _node.Reset();
            WriteNode(_node, value);
            _bucket.WriteVarint((uint)_node.WrittenCount);
            _bucket.Write(_node.WrittenSpan);
        }
        else
        {
            _bucket.WriteVarint((uint)value.Length);
            _bucket.Write(value);
        }
    }

    /// <summary>Closes the last bucket and emits the last, partial text chunk.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        CloseBucket();
        if (_chunkTexts > 0)
        {
            EmitChunk();
        }
    }

    /// <summary>The compressed directory (after <see cref="Complete"/>).</summary>
    public byte[] EncodeDirectory(int quality)
    {
        if (!_completed)
        {
            throw new InvalidOperationException("The encoder is not complete.");
        }

        var output = new ArrayBufferWriter<byte>();
        output.GetSpan(1)[0] = PackedLayout.DirectoryFormat;
        output.Advance(1);
        PackedLayout.WriteVarint(output, (uint)_firstKeys.Count);
        PackedLayout.WriteVarint(output, (uint)_texts.Count);
        PackedLayout.WriteVarint(output, PackedLayout.TextsPerChunk);
        for (var i = 0; i < _firstKeys.Count; i++)
        {
            PackedLayout.WriteVarint(output, (uint)_counts[i]);
            var length = Encoding.UTF8.GetByteCount(_firstKeys[i]);
            PackedLayout.WriteVarint(output, (uint)length);
            Encoding.UTF8.GetBytes(_firstKeys[i], output.GetSpan(length));
            output.Advance(length);
        }

        return PackedLayout.Compress(output.WrittenSpan, quality);
    }

    /// <summary>Whether records of a kind are <see cref="V1.PrefixNode"/>s whose completion texts go to the text table.</summary>
    private static bool IsNodeKind(ReadOnlySpan<byte> kind)
        => kind.SequenceEqual("p"u8) || kind.SequenceEqual("py"u8) || kind.SequenceEqual("pi"u8) || kind.SequenceEqual("x"u8);

    private void CloseBucket()
    {
        if (_bucket is null)
        {
            return;
        }

        _counts.Add(_records);
        var unit = new PackedUnit(PackedUnitKind.Bucket, _firstKeys.Count - 1, _bucket, _records);
        _bucket = null;
        _emit(unit);
    }

    private void EmitChunk()
    {
        var unit = new PackedUnit(PackedUnitKind.TextChunk, TextChunkCount, _chunk, 0);
        TextChunkCount++;
        _chunkTexts = 0;
        _chunk = new PooledBufferWriter(1 << 16);
        _emit(unit);
    }

    /// <summary>
    /// Encodes a node value (mode byte first, see <see cref="PackedLayout"/>): completions whose text is valid UTF-8 refer
    /// to the text table (the text added on first sight); anything that is not a plain list of completions stays inline.
    /// </summary>
    private void WriteNode(PooledBufferWriter output, ReadOnlySpan<byte> node)
    {
        var count = PackedLayout.CountCompletions(node);
        if (count < 0)
        {
            output.WriteByte(PackedLayout.NodeInline);
            output.Write(node);
            return;
        }

        output.WriteByte(PackedLayout.NodeReferenced);
        output.WriteVarint((uint)count);
        var position = 0;
        while (position < node.Length)
        {
            PackedLayout.NextField(node, ref position, out var start, out var length);
            var completion = node.Slice(start, length);
            if (PackedLayout.TryText(completion, out var textStart, out var textLength, out var rest)
                && textLength <= MaxTableText)
            {
                var id = _texts.GetOrAdd(completion.Slice(textStart, textLength), out var added);
                if (added)
                {
                    AddToChunk(completion.Slice(textStart, textLength));
                }

                output.WriteVarint((uint)id + 1);
                output.WriteVarint((uint)(length - rest));
                output.Write(completion[rest..]);
            }
            else
            {
                output.WriteVarint(0);
                output.WriteVarint((uint)length);
                output.Write(completion);
            }
        }
    }

    private void AddToChunk(ReadOnlySpan<byte> text)
    {
        _chunk.WriteVarint((uint)text.Length);
        _chunk.Write(text);
        if (++_chunkTexts == PackedLayout.TextsPerChunk)
        {
            EmitChunk();
        }
    }

    /// <summary>
    /// The distinct completion texts, id by first sight: UTF-8 bytes in 4 MiB pages and an open-addressing table of ids
    /// (about 16 B per text beside its bytes).
    /// </summary>
    private sealed class TextTable
    {
        private const int PageBytes = 1 << 22;
        private readonly List<byte[]> _pages = [];
        private int _pageUsed = PageBytes;
        private long[] _locations = new long[1024];
        private int[] _lengths = new int[1024];
        private int[] _slots = new int[2048];

        public int Count { get; private set; }

        public int GetOrAdd(ReadOnlySpan<byte> text, out bool added)
        {
            var hash = (uint)XxHash3.HashToUInt64(text);
            var mask = _slots.Length - 1;
            var slot = (int)(hash & (uint)mask);
            while (true)
            {
                var entry = _slots[slot];
                if (entry == 0)
                {
                    break;
                }

                var id = entry - 1;
                if (_lengths[id] == text.Length && Text(id).SequenceEqual(text))
                {
                    added = false;
                    return id;
                }

                slot = (slot + 1) & mask;
            }

            var newId = Count++;
            if (newId == _locations.Length)
            {
                Array.Resize(ref _locations, _locations.Length * 2);
                Array.Resize(ref _lengths, _lengths.Length * 2);
            }

            if (_pageUsed + text.Length > PageBytes)
            {
                _pages.Add(new byte[PageBytes]);
                _pageUsed = 0;
            }

            text.CopyTo(_pages[^1].AsSpan(_pageUsed));
            _locations[newId] = ((long)(_pages.Count - 1) << 32) | (uint)_pageUsed;
            _lengths[newId] = text.Length;
            _pageUsed += text.Length;
            _slots[slot] = newId + 1;
            if (Count * 2 > _slots.Length)
            {
                Grow();
            }

            added = true;
            return newId;
        }

        private ReadOnlySpan<byte> Text(int id)
        {
            var location = _locations[id];
            return _pages[(int)(location >> 32)].AsSpan((int)(uint)location, _lengths[id]);
        }

        private void Grow()
        {
            var slots = new int[_slots.Length * 2];
            var mask = slots.Length - 1;
            for (var id = 0; id < Count; id++)
            {
                var slot = (int)((uint)XxHash3.HashToUInt64(Text(id)) & (uint)mask);
                while (slots[slot] != 0)
                {
                    slot = (slot + 1) & mask;
                }

                slots[slot] = id + 1;
            }

            _slots = slots;
        }
    }
}

/// <summary>What a <see cref="PackedUnit"/> becomes in Redis.</summary>
internal enum PackedUnitKind
{
    /// <summary>A bucket of records, <c>{ns}b:{i}</c>.</summary>
    Bucket,

    /// <summary>A chunk of the text table, <c>{ns}s:{i}</c>.</summary>
    TextChunk,
}

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
        while (value >= 0x80)
        {
            _buffer[WrittenCount++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[WrittenCount++] = (byte)value;
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
