using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The bytes of an index file (<see cref="IndexFile"/>, format 1) made as they are read: the header, the manifest,
/// then the slices' merged records, each framed as <see cref="IndexFileWriter"/> frames it (a length-delimited
/// <see cref="IndexFileRecord"/>; an empty value is left out, as protobuf leaves out an empty field), so the bytes are
/// those of the unpartitioned build's file. The records are checked against the manifest as they go by: the stream
/// fails before its end if the slices no longer give what <see cref="IndexSliceSet.Assemble"/> counted.
/// </summary>
internal sealed class AssembledIndexStream : Stream
{
    private const byte KeyTag = 0x0A;   // IndexFileRecord field 1, length-delimited
    private const byte ValueTag = 0x12; // IndexFileRecord field 2, length-delimited

    private readonly IndexManifest _manifest;
    private readonly SliceMerge _merge;
    private readonly IndexSliceSet _set;
    private readonly IndexFileVerifier _verifier;
    private byte[] _pending;
    private int _pendingStart;
    private int _pendingEnd;
    private long _records;
    private bool _done;

    public AssembledIndexStream(IndexManifest manifest, SliceMerge merge, IndexSliceSet set)
    {
        _manifest = manifest;
        _merge = merge;
        _set = set;
        _verifier = set.NewVerifier();
        _pending = IndexFileWriter.Head(manifest);
        _pendingEnd = _pending.Length;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var written = 0;
        while (written < buffer.Length)
        {
            if (_pendingStart == _pendingEnd && !Refill())
            {
                break;
            }

            var n = Math.Min(buffer.Length - written, _pendingEnd - _pendingStart);
            _pending.AsSpan(_pendingStart, n).CopyTo(buffer[written..]);
            _pendingStart += n;
            written += n;
        }

        return written;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _merge.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Frames the next merged record into the pending bytes; false at the end (the records verified).</summary>
    private bool Refill()
    {
        if (_done)
        {
            return false;
        }

        if (!_set.Read(_merge))
        {
            _verifier.Complete(_manifest, _records);
            _done = true;
            return false;
        }

        var key = _merge.Key;
        var value = _merge.Value;
        _verifier.Verify(key, value, _records++);
        var body = 1 + CodedOutputStream.ComputeLengthSize(key.Length) + key.Length
            + (value.Length == 0 ? 0 : 1 + CodedOutputStream.ComputeLengthSize(value.Length) + value.Length);
        var size = CodedOutputStream.ComputeLengthSize(body) + body;
        if (_pending.Length < size)
        {
            _pending = new byte[Math.Max(size, _pending.Length * 2)];
        }

        var span = _pending.AsSpan();
        var at = Varint.Write(span, (uint)body);
        span[at++] = KeyTag;
        at += Varint.Write(span[at..], (uint)key.Length);
        key.CopyTo(span[at..]);
        at += key.Length;
        if (value.Length > 0)
        {
            span[at++] = ValueTag;
            at += Varint.Write(span[at..], (uint)value.Length);
            value.CopyTo(span[at..]);
            at += value.Length;
        }

        _pendingStart = 0;
        _pendingEnd = at;
        return true;
    }
}
