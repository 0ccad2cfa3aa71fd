using System.Buffers;
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
    private readonly PackedTextTable _texts = new();
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
            // A text already in the table is valid UTF-8; a new one is checked before it is added.
            if (PackedLayout.TryText(completion, out var textStart, out var textLength, out var rest, checkUtf8: false)
                && textLength <= MaxTableText
                && _texts.TryGetOrAdd(completion.Slice(textStart, textLength), out var id, out var added))
            {
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
}
