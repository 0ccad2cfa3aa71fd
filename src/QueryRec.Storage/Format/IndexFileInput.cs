using System.Buffers;

namespace QueryRec.Storage;

/// <summary>
/// The bytes of an index file for <see cref="IndexFileReader"/>: a pooled buffer refilled from the stream, holding the
/// unread bytes from <see cref="Start"/> on; it grows only to the largest run asked for at once (one record).
/// </summary>
internal sealed class IndexFileInput : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private byte[] _buffer;
    private int _end;
    private bool _eof;

    /// <summary>Reads from <paramref name="stream"/>; disposing disposes it too unless <paramref name="leaveOpen"/>.</summary>
    public IndexFileInput(Stream stream, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
    }

    /// <summary>
    /// The current buffer; offsets into it (<see cref="Start"/> and those taken since) stay valid until the next
    /// <see cref="Ensure"/>, which may move the unread bytes.
    /// </summary>
    public byte[] Buffer => _buffer;

    /// <summary>Where the unread bytes start in <see cref="Buffer"/>.</summary>
    public int Start { get; private set; }

    /// <summary>The unread bytes in the buffer.</summary>
    public ReadOnlySpan<byte> Available => _buffer.AsSpan(Start, _end - Start);

    /// <summary>Consumes <paramref name="count"/> bytes.</summary>
    public void Advance(int count) => Start += count;

    /// <summary>Makes at least <paramref name="count"/> bytes available from <see cref="Start"/>; false at end of file before that.</summary>
    public bool Ensure(int count)
    {
        if (_end - Start >= count)
        {
            return true;
        }

        if (_buffer.Length < count)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(count);
            _buffer.AsSpan(Start, _end - Start).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
            _end -= Start;
            Start = 0;
        }
        else if (Start > 0)
        {
            _buffer.AsSpan(Start, _end - Start).CopyTo(_buffer);
            _end -= Start;
            Start = 0;
        }

        while (_end - Start < count && !_eof)
        {
            var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                _eof = true;
            }

            _end += read;
        }

        return _end - Start >= count;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
