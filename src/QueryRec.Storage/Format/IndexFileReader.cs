using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// Reads an index file (<see cref="IndexFile"/>, format 1) in one forward pass with bounded memory: the header and the
/// manifest when opened, then one record at a time, parsed in place from a pooled buffer (no message object, no copy).
/// Keys must ascend (ordinal) and be unique; the counts per kind and the checksum are recomputed as the records go by
/// and checked against the manifest when the last record has been read (<see cref="Read"/> returns false only then),
/// so a consumer that acts on the records must wait for that before it commits to them.
/// </summary>
/// <remarks>
/// The buffer (<see cref="IndexFileInput"/>) holds one record at a time (and grows to the largest record, at most
/// <see cref="MaxRecordBytes"/>); the checks (<see cref="IndexFileVerifier"/>) keep the previous key for the order
/// check. Memory does not depend on the file's size.
/// </remarks>
public sealed class IndexFileReader : IDisposable, IIndexRecordSource
{
    /// <summary>The largest record accepted (a Redis string stops at 512 MiB; the key and framing are extra).</summary>
    public const int MaxRecordBytes = (512 << 20) + (1 << 20);

    /// <summary>The largest manifest accepted.</summary>
    public const int MaxManifestBytes = 64 << 20;

    private const byte KeyTag = 0x0A;   // field 1, length-delimited
    private const byte ValueTag = 0x12; // field 2, length-delimited

    private readonly IndexFileInput _input;
    private readonly IndexFileVerifier _verifier;
    private readonly string _name;
    private int _keyStart, _keyLength, _valueStart, _valueLength;
    private bool _done;

    /// <summary>Opens a reader over a stream and reads the header and the manifest.</summary>
    /// <param name="stream">The index file's bytes, positioned at its start.</param>
    /// <param name="name">How errors name the file (its path, for example).</param>
    /// <param name="leaveOpen">Whether disposing the reader leaves the stream open.</param>
    /// <exception cref="InvalidDataException">The header or the manifest is missing, truncated or of another format.</exception>
    public IndexFileReader(Stream stream, string name = "the index file", bool leaveOpen = false)
        : this(stream, name, leaveOpen, slice: false)
    {
    }

    /// <summary>Opens a reader; <paramref name="slice"/>: the file must be one slice of a partitioned build, else a whole index.</summary>
    internal IndexFileReader(Stream stream, string name, bool leaveOpen, bool slice)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _input = new IndexFileInput(stream, leaveOpen);
        _verifier = new IndexFileVerifier(Error);
        _name = name;
        try
        {
            Manifest = ReadHeaderAndManifest();
            if (slice != (Manifest.Slice is not null))
            {
                throw Error(slice ? "is a whole index, not a slice of a partitioned build" : IndexSlices.NotWholeMessage(Manifest.Slice!));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The manifest (version, counts per kind, checksum), read when the reader was opened.</summary>
    public IndexManifest Manifest { get; }

    /// <summary>Whether the reader found the file invalid (an <see cref="InvalidDataException"/> from it was about the file).</summary>
    public bool IsInvalid { get; private set; }

    /// <summary>Records read so far.</summary>
    public long RecordsRead { get; private set; }

    /// <summary>The current record's key (UTF-8); valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> Key => _input.Buffer.AsSpan(_keyStart, _keyLength);

    /// <summary>The current record's value; valid until the next <see cref="Read"/>.</summary>
    public ReadOnlySpan<byte> Value => _input.Buffer.AsSpan(_valueStart, _valueLength);

    /// <summary>The current record's kind (the part of the key before the first ':').</summary>
    public string Kind => _verifier.KindName;

    /// <summary>Opens an index file for one sequential pass.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid index file.</exception>
    public static IndexFileReader Open(string path) => Open(path, path, slice: false);

    /// <summary>Opens one slice of a partitioned build for one sequential pass; errors name the file <paramref name="name"/>.</summary>
    internal static IndexFileReader Open(string path, string name, bool slice)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 0, // the reader buffers itself
            Options = FileOptions.SequentialScan,
        });
        return new IndexFileReader(stream, name, leaveOpen: false, slice);
    }

    /// <summary>
    /// Advances to the next record. Returns false once every record the manifest declares has been read and the
    /// file ends there, with the counts per kind and the checksum verified.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is truncated or corrupted, a key is out of order or repeated, or the counts or checksum differ.
    /// </exception>
    public bool Read()
    {
        if (_done)
        {
            return false;
        }

        if (RecordsRead == Manifest.TotalRecords)
        {
            Finish();
            return false;
        }

        var index = RecordsRead;
        if (!TryReadVarint(out var length, out var varintBytes))
        {
            throw Error($"is truncated (record {N(index)} of {N(Manifest.TotalRecords)} is missing)");
        }

        if (length > MaxRecordBytes)
        {
            throw Error($"is corrupted (record {N(index)} declares {N((long)length)} bytes)");
        }

        _input.Advance(varintBytes);
        if (!_input.Ensure((int)length))
        {
            throw Error($"is truncated (record {N(index)} of {N(Manifest.TotalRecords)} is incomplete)");
        }

        ParseRecord(_input.Buffer.AsSpan(_input.Start, (int)length), _input.Start, index);
        _input.Advance((int)length);
        RecordsRead++;
        _verifier.Verify(Key, Value, index);
        return true;
    }

    /// <summary>The current record's key as a string.</summary>
    public string KeyString() => Encoding.UTF8.GetString(Key);

    /// <summary>Reads every remaining record into a build (for the embedded store and small files: memory grows with the file).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid index file.</exception>
    public IndexBuild ReadToEnd()
    {
        var records = new List<IndexRecord>((int)Math.Min(Manifest.TotalRecords - RecordsRead, 1 << 20));
        while (Read())
        {
            records.Add(new IndexRecord(KeyString(), Value.ToArray()));
        }

        return IndexBuild.FromStored(Manifest, records);
    }

    /// <inheritdoc />
    public void Dispose() => _input.Dispose();

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private IndexManifest ReadHeaderAndManifest()
    {
        if (!_input.Ensure(8))
        {
            throw Error("is truncated (incomplete header)");
        }

        var header = _input.Available[..8];
        if (!header[..4].SequenceEqual("QRIX"u8))
        {
            throw Error("is not a QueryRec index file (bad magic)");
        }

        var format = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (format != IndexBuild.FormatVersion)
        {
            throw Error($"has format {format}; this build reads {IndexBuild.FormatVersion}");
        }

        _input.Advance(8);
        if (!TryReadVarint(out var length, out var varintBytes) || length > MaxManifestBytes)
        {
            throw Error("is truncated or corrupted (manifest length)");
        }

        _input.Advance(varintBytes);
        if (!_input.Ensure((int)length))
        {
            throw Error("is truncated (incomplete manifest)");
        }

        IndexManifest manifest;
        try
        {
            manifest = IndexManifest.Parser.ParseFrom(_input.Available[..(int)length]);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw Error("has a corrupted manifest: " + ex.Message);
        }

        _input.Advance((int)length);
        if (manifest.FormatVersion != IndexBuild.FormatVersion)
        {
            throw Error($"declares index format {manifest.FormatVersion}; this build reads {IndexBuild.FormatVersion}");
        }

        if (manifest.TotalRecords < 0)
        {
            throw Error($"declares {manifest.TotalRecords} records");
        }

        try
        {
            IndexBuild.ValidateVersion(manifest.Version);
        }
        catch (ArgumentException ex)
        {
            throw Error("has an invalid manifest: " + ex.Message);
        }

        return manifest;
    }

    /// <summary>Parses one IndexFileRecord message in place: the key (field 1) and the value (field 2); last occurrence wins.</summary>
    private void ParseRecord(ReadOnlySpan<byte> message, int offset, long index)
    {
        _keyStart = _valueStart = offset;
        _keyLength = _valueLength = 0;
        var position = 0;
        while (position < message.Length)
        {
            var tag = message[position++];
            if (tag is not (KeyTag or ValueTag) || !TryVarint(message, ref position, out var length) || length > (ulong)(message.Length - position))
            {
                throw Error($"is corrupted (record {N(index)}: unexpected field or length at byte {N(position)})");
            }

            if (tag == KeyTag)
            {
                _keyStart = offset + position;
                _keyLength = (int)length;
            }
            else
            {
                _valueStart = offset + position;
                _valueLength = (int)length;
            }

            position += (int)length;
        }
    }

    /// <summary>After the last declared record: the file must end, and counts and checksum must match the manifest.</summary>
    private void Finish()
    {
        if (_input.Ensure(1))
        {
            throw Error($"has trailing bytes after its {N(Manifest.TotalRecords)} records");
        }

        _verifier.Complete(Manifest, RecordsRead);
        _done = true;
        _keyLength = _valueLength = 0;
    }

    /// <summary>
    /// Ordinal (UTF-16 code unit) comparison of two valid UTF-8 strings, as <see cref="string.CompareOrdinal(string, string)"/>
    /// orders the records: byte order except where a supplementary character meets one of U+E000..U+FFFF.
    /// </summary>
    internal static int CompareOrdinal(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var common = a.CommonPrefixLength(b);
        if (common == a.Length || common == b.Length)
        {
            return a.Length - b.Length;
        }

        // Lead bytes 0xEE/0xEF start U+E000..U+FFFF; 0xF0..0xF4 start supplementary characters (surrogates in UTF-16,
        // which sort before U+E000). Only that pair orders differently from the bytes.
        var x = a[common];
        var y = b[common];
        if (x >= 0xEE && y >= 0xEE && (x >= 0xF0) != (y >= 0xF0))
        {
            // The differing byte may be a continuation byte only if both lead bytes were equal, in which case both are
            // in the same range and the byte order holds; here they are lead bytes of different ranges.
            return x >= 0xF0 ? -1 : 1;
        }

        return x - y;
    }

    private static bool TryVarint(ReadOnlySpan<byte> span, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < span.Length; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a varint at the buffer's start (refilling as needed); false at a clean end of file.</summary>
    private bool TryReadVarint(out ulong value, out int length)
    {
        _input.Ensure(10);
        var span = _input.Available;
        var position = 0;
        if (span.Length == 0)
        {
            value = 0;
            length = 0;
            return false;
        }

        if (!TryVarint(span, ref position, out value))
        {
            throw Error($"is truncated or corrupted (bad length after record {N(RecordsRead)})");
        }

        length = position;
        return true;
    }

    private InvalidDataException Error(string what)
    {
        IsInvalid = true;
        return new InvalidDataException($"{_name} {what}.");
    }
}
