using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// Writes an index file (<see cref="IndexFile"/>, format 1) from records added in any order, with bounded memory:
/// records are buffered up to a byte budget, sorted and spilled as runs to temporary files next to the output;
/// <see cref="Complete"/> merges the runs in key order into a temporary records file while counting kinds and hashing
/// (the manifest's counts and checksum come first in the file), then writes the header, the manifest and a copy of the
/// records, and renames the result into place. The file is byte for byte what <see cref="IndexFile.Write"/> writes for
/// the same records, version, time and description.
/// </summary>
public sealed class IndexFileWriter : IDisposable
{
    /// <summary>Default run size: bytes of keys and values buffered before a run is sorted and spilled.</summary>
    public const long DefaultRunBytes = 256L << 20;

    private const int BufferSize = 1 << 20;

    private readonly string _path;
    private readonly string _tempDirectory;
    private readonly long _runBytes;
    private readonly List<string> _runs = [];
    private readonly Dictionary<string, (long Records, long Bytes)> _kinds = new(StringComparer.Ordinal);
    private readonly List<string> _kindOrder = []; // kinds in order of first key, as IndexBuild.Create counts them
    private List<IndexRecord> _buffer = [];
    private long _bufferedBytes;
    private bool _completed;

    /// <summary>Starts a file at <paramref name="path"/> (written on <see cref="Complete"/>; temporary files beside it).</summary>
    /// <param name="path">The index file to write.</param>
    /// <param name="runBytes">Bytes of keys and values held in memory before a sorted run is spilled (at least 1).</param>
    public IndexFileWriter(string path, long runBytes = DefaultRunBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(runBytes, 1);
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _tempDirectory = _path + ".runs-" + Environment.ProcessId;
        _runBytes = runBytes;
    }

    /// <summary>Sorted runs spilled so far.</summary>
    public int Runs { get; private set; }

    /// <summary>After <see cref="Complete"/>: records and bytes (UTF-8 key + value) per record kind.</summary>
    public IReadOnlyDictionary<string, (long Records, long Bytes)> Kinds => _kinds;

    /// <summary>Adds a record (any order; keys must be non-empty and unique, checked on <see cref="Complete"/>).</summary>
    /// <exception cref="ArgumentException">The key is empty.</exception>
    public void Add(IndexRecord record)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (string.IsNullOrEmpty(record.Key))
        {
            throw new ArgumentException("An index record has an empty key.", nameof(record));
        }

        ArgumentNullException.ThrowIfNull(record.Value);
        _buffer.Add(record);
        _bufferedBytes += (record.Key.Length * 2L) + record.Value.Length + 32;
        if (_bufferedBytes >= _runBytes)
        {
            Spill();
        }
    }

    /// <summary>
    /// Merges the runs and writes the file: <paramref name="versionOfChecksum"/> names the version from the content
    /// checksum (<see cref="IndexBuild.ComputeChecksum"/>).
    /// </summary>
    /// <param name="versionOfChecksum">Names the version from the content checksum.</param>
    /// <param name="createdAt">The creation time.</param>
    /// <param name="description">The manifest's description.</param>
    /// <param name="slice">Set for one slice of a partitioned build (<see cref="IndexSlice"/>).</param>
    /// <returns>The manifest written.</returns>
    /// <exception cref="ArgumentException">Duplicate keys, or an invalid version.</exception>
    public IndexManifest Complete(Func<ulong, string> versionOfChecksum, DateTimeOffset createdAt, string description, IndexSlice? slice = null)
    {
        ArgumentNullException.ThrowIfNull(versionOfChecksum);
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        var last = _buffer.ToArray();
        _buffer = [];
        _bufferedBytes = 0;
        Array.Sort(last, static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        Directory.CreateDirectory(_tempDirectory);
        var recordsPath = Path.Combine(_tempDirectory, "records");
        var manifest = new IndexManifest
        {
            FormatVersion = IndexBuild.FormatVersion,
            CreatedUnixMs = createdAt.ToUnixTimeMilliseconds(),
            Description = description ?? string.Empty,
            Slice = slice,
        };
        var hash = new XxHash64();
        long total = 0;
        using (var records = new FileStream(recordsPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            var sources = new List<IEnumerator<IndexRecord>>(_runs.Count + 1);
            try
            {
                sources.AddRange(_runs.Select(ReadRun));
                sources.Add(((IEnumerable<IndexRecord>)last).GetEnumerator());
                var queue = new PriorityQueue<int, string>(StringComparer.Ordinal);
                for (var i = 0; i < sources.Count; i++)
                {
                    if (sources[i].MoveNext())
                    {
                        queue.Enqueue(i, sources[i].Current.Key);
                    }
                }

                var fileRecord = new IndexFileRecord();
                string? previous = null;
                while (queue.TryDequeue(out var i, out var key))
                {
                    var record = sources[i].Current;
                    if (previous is not null && string.Equals(previous, key, StringComparison.Ordinal))
                    {
                        throw new ArgumentException($"Duplicate index key '{key}'.", nameof(versionOfChecksum));
                    }

                    previous = key;
                    var keyBytes = Encoding.UTF8.GetBytes(key);
                    IndexBuild.AppendToChecksum(hash, keyBytes, record.Value);
                    var kind = IndexKeys.KindOf(key);
                    if (!_kinds.TryGetValue(kind, out var counts))
                    {
                        _kindOrder.Add(kind);
                    }

                    var (n, bytes) = counts;
                    _kinds[kind] = (n + 1, bytes + keyBytes.Length + record.Value.Length);
                    total++;

                    fileRecord.Key = key;
                    fileRecord.Value = UnsafeByteOperations.UnsafeWrap(record.Value);
                    fileRecord.WriteDelimitedTo(records);
                    if (sources[i].MoveNext())
                    {
                        queue.Enqueue(i, sources[i].Current.Key);
                    }
                }
            }
            finally
            {
                foreach (var source in sources)
                {
                    source.Dispose();
                }
            }
        }

        foreach (var run in _runs)
        {
            File.Delete(run);
        }

        _runs.Clear();
        manifest.TotalRecords = total;
        foreach (var kind in _kindOrder)
        {
            manifest.RecordCounts[kind] = _kinds[kind].Records;
        }

        manifest.Checksum = hash.GetCurrentHashAsUInt64();
        manifest.Version = versionOfChecksum(manifest.Checksum);
        IndexBuild.ValidateVersion(manifest.Version);

        var temp = _path + ".tmp-" + Environment.ProcessId;
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            Span<byte> header = stackalloc byte[8];
            "QRIX"u8.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header[4..], IndexBuild.FormatVersion);
            output.Write(header);
            manifest.WriteDelimitedTo(output);
            using var records = new FileStream(recordsPath, FileMode.Open, FileAccess.Read, FileShare.None, BufferSize);
            records.CopyTo(output, BufferSize);
        }

        File.Move(temp, _path, overwrite: true);
        DeleteTemporaryFiles();
        return manifest;
    }

    /// <summary>Deletes the temporary runs (the output is left as it is: absent unless <see cref="Complete"/> finished).</summary>
    public void Dispose()
    {
        _completed = true;
        _buffer = [];
        DeleteTemporaryFiles();
    }

    private void DeleteTemporaryFiles()
    {
        if (Directory.Exists(_tempDirectory))
        {
            Directory.Delete(_tempDirectory, recursive: true);
        }

        _runs.Clear();
    }

    /// <summary>Sorts the buffer and writes it as a run: per record, the key (a length-prefixed UTF-8 string) and the value (a 7-bit length, then the bytes).</summary>
    private void Spill()
    {
        var sorted = _buffer.ToArray();
        _buffer = [];
        _bufferedBytes = 0;
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        Directory.CreateDirectory(_tempDirectory);
        var path = Path.Combine(_tempDirectory, "run-" + _runs.Count.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        using (var writer = new BinaryWriter(stream, Encoding.UTF8))
        {
            foreach (var record in sorted)
            {
                writer.Write(record.Key);
                writer.Write7BitEncodedInt(record.Value.Length);
                writer.Write(record.Value);
            }
        }

        _runs.Add(path);
        Runs++;
    }

    private static IEnumerator<IndexRecord> ReadRun(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var end = stream.Length;
        while (stream.Position < end)
        {
            var key = reader.ReadString();
            var value = reader.ReadBytes(reader.Read7BitEncodedInt());
            yield return new IndexRecord(key, value);
        }
    }
}
