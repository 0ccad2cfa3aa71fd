using System.IO.Hashing;
using System.Text;
using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The records part of an index file as it is written, records in key order: each as a length-delimited
/// <see cref="IndexFileRecord"/>, appended to the content checksum (<see cref="IndexBuild.AppendToChecksum"/>) and
/// counted per kind (in the order of each kind's first key, as <see cref="IndexBuild.Create(Func{ulong, string}, DateTimeOffset, string, IEnumerable{IndexRecord})"/> counts them).
/// </summary>
/// <remarks>One <see cref="CodedOutputStream"/> serves every record: a stream per record costs more than the write.</remarks>
internal sealed class IndexRecordsStream : IDisposable
{
    private readonly CodedOutputStream _output;
    private readonly XxHash64 _hash = new();
    private readonly IndexFileRecord _record = new();
    private readonly Dictionary<string, (long Records, long Bytes)>.AlternateLookup<ReadOnlySpan<char>> _kindsByName;
    private byte[] _keyBytes = new byte[256];

    /// <param name="output">Where the records go (left open).</param>
    public IndexRecordsStream(Stream output)
    {
        _output = new CodedOutputStream(output, leaveOpen: true);
        _kindsByName = Kinds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Records and bytes (UTF-8 key + value) per kind.</summary>
    public Dictionary<string, (long Records, long Bytes)> Kinds { get; } = new(StringComparer.Ordinal);

    /// <summary>Kinds in order of first key.</summary>
    public List<string> KindOrder { get; } = [];

    /// <summary>Records written.</summary>
    public long Total { get; private set; }

    /// <summary>The content checksum of the records written so far.</summary>
    public ulong Checksum => _hash.GetCurrentHashAsUInt64();

    /// <summary>Writes the next record (keys ascending; the caller checks the order).</summary>
    public void Write(IndexRecord record)
    {
        var length = Encoding.UTF8.GetMaxByteCount(record.Key.Length);
        if (length > _keyBytes.Length)
        {
            _keyBytes = new byte[Math.Max(length, _keyBytes.Length * 2)];
        }

        length = Encoding.UTF8.GetBytes(record.Key, _keyBytes);
        var keyBytes = _keyBytes.AsSpan(0, length);
        IndexBuild.AppendToChecksum(_hash, keyBytes, record.Value);
        var colon = record.Key.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? record.Key.AsSpan() : record.Key.AsSpan(0, colon); // IndexKeys.KindOf, without a string per record
        if (!_kindsByName.TryGetValue(kind, out var counts))
        {
            KindOrder.Add(kind.ToString());
        }

        _kindsByName[kind] = (counts.Records + 1, counts.Bytes + length + record.Value.Length);
        Total++;

        _record.Key = record.Key;
        _record.Value = UnsafeByteOperations.UnsafeWrap(record.Value);
        _output.WriteLength(_record.CalculateSize());
        _record.WriteTo(_output);
    }

    /// <summary>Writes out what is buffered.</summary>
    public void Flush() => _output.Flush();

    /// <inheritdoc/>
    public void Dispose() => _output.Dispose();
}
