using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Google.Protobuf;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// Writes an index file (<see cref="IndexFile"/>, format 1) from records added in any order, with bounded memory:
/// records are buffered up to a byte budget, sorted and spilled as runs to temporary files next to the output;
/// <see cref="Complete"/> merges the runs in key order into the file while counting kinds and hashing. The manifest
/// (counts and checksum) comes first in the file: the records are written after room for it, sized from the counts
/// seen by <see cref="Add"/>, and the manifest is written into that room at the end (only a manifest of another size,
/// a version id whose length depends on the checksum, costs a copy of the records). The file is byte for byte what
/// <see cref="IndexFile.Write"/> writes for the same records, version, time and description, whatever the threads.
/// </summary>
/// <remarks>
/// With several threads, a full buffer is sorted and written on a background thread while the next one fills (each
/// buffer then holds half the budget, so the memory held stays within it), the last buffer is sorted in parts at once,
/// and the merge runs beside the encoding, hashing and writing of the records it yields.
/// </remarks>
public sealed class IndexFileWriter : IDisposable
{
    /// <summary>Default run size: bytes of keys and values buffered before a run is sorted and spilled.</summary>
    public const long DefaultRunBytes = 256L << 20;

    private const int BufferSize = 1 << 20;
    private const int BatchSize = 4096;
    private const int MinPartRecords = 4096;

    /// <summary>The checksum assumed while the manifest's room is sized: non-zero, so the fixed64 field is written.</summary>
    private const ulong PlaceholderChecksum = ulong.MaxValue;

    private static readonly Comparer<IndexRecord> ByKey = Comparer<IndexRecord>.Create(static (a, b) => string.CompareOrdinal(a.Key, b.Key));

    private readonly string _path;
    private readonly string _tempDirectory;
    private readonly long _spillBytes;
    private readonly int _threads;
    private readonly List<string> _runs = [];
    private readonly Dictionary<string, long> _added = new(StringComparer.Ordinal); // records per kind, as added
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _addedByName;
    private IReadOnlyDictionary<string, (long Records, long Bytes)> _kinds = new Dictionary<string, (long, long)>();
    private List<IndexRecord> _buffer = [];
    private long _bufferedBytes;
    private Task? _spilling;
    private bool _completed;

    /// <summary>Starts a file at <paramref name="path"/> (written on <see cref="Complete"/>; temporary files beside it).</summary>
    /// <param name="path">The index file to write.</param>
    /// <param name="runBytes">Bytes of keys and values held in memory before a sorted run is spilled (at least 1).</param>
    /// <param name="threads">Threads for sorting and writing (1: all on the caller's thread); the bytes do not depend on it.</param>
    public IndexFileWriter(string path, long runBytes = DefaultRunBytes, int threads = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(runBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _tempDirectory = _path + ".runs-" + Environment.ProcessId;
        _threads = threads;
        _spillBytes = threads > 1 ? Math.Max(1, runBytes / 2) : runBytes;
        _addedByName = _added.GetAlternateLookup<ReadOnlySpan<char>>();
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
        var colon = record.Key.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? record.Key.AsSpan() : record.Key.AsSpan(0, colon); // IndexKeys.KindOf, without a string per record
        _addedByName[kind] = _addedByName.TryGetValue(kind, out var n) ? n + 1 : 1;
        _bufferedBytes += (record.Key.Length * 2L) + record.Value.Length + 32;
        if (_bufferedBytes >= _spillBytes)
        {
            Spill();
        }
    }

    /// <summary>
    /// Merges the runs and writes the file: <paramref name="versionOfChecksum"/> names the version from the content
    /// checksum (<see cref="IndexBuild.ComputeChecksum"/>).
    /// </summary>
    /// <param name="versionOfChecksum">Names the version from the content checksum (a pure function: also asked for the manifest's size).</param>
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
        WaitForSpill();
        var last = _buffer.ToArray();
        _buffer = [];
        _bufferedBytes = 0;

        Directory.CreateDirectory(_tempDirectory);
        var temp = Path.Combine(_tempDirectory, "index");
        var manifest = new IndexManifest
        {
            FormatVersion = IndexBuild.FormatVersion,
            CreatedUnixMs = createdAt.ToUnixTimeMilliseconds(),
            Description = description ?? string.Empty,
            Slice = slice,
        };
        var room = Head(Predicted(manifest, versionOfChecksum)).Length;
        byte[] head;
        using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            output.Position = room;
            using var records = new IndexRecordsStream(output);
            var sources = new List<IEnumerator<IndexRecord>>(_runs.Count + _threads);
            try
            {
                sources.AddRange(_runs.Select(ReadRun));
                sources.AddRange(SortedParts(last, _threads));
                Merge(sources, records);
            }
            finally
            {
                foreach (var source in sources)
                {
                    source.Dispose();
                }
            }

            records.Flush();
            manifest.TotalRecords = records.Total;
            foreach (var kind in records.KindOrder)
            {
                manifest.RecordCounts[kind] = records.Kinds[kind].Records;
            }

            _kinds = records.Kinds;
            manifest.Checksum = records.Checksum;
            manifest.Version = versionOfChecksum(manifest.Checksum);
            IndexBuild.ValidateVersion(manifest.Version);
            head = Head(manifest);
            if (head.Length == room)
            {
                output.Position = 0;
                output.Write(head);
            }
        }

        if (head.Length != room)
        {
            temp = Moved(temp, room, head);
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
        try
        {
            WaitForSpill();
        }
        catch (IOException)
        {
            // A run that failed to write is deleted below with the rest.
        }

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

    /// <summary>The manifest as it will be but for the checksum and version, which only the merge gives.</summary>
    private IndexManifest Predicted(IndexManifest manifest, Func<ulong, string> versionOfChecksum)
    {
        var predicted = manifest.Clone();
        predicted.TotalRecords = _added.Values.Sum();
        foreach (var (kind, count) in _added)
        {
            predicted.RecordCounts[kind] = count;
        }

        predicted.Checksum = PlaceholderChecksum;
        predicted.Version = versionOfChecksum(PlaceholderChecksum);
        return predicted;
    }

    /// <summary>What comes before the records: the magic, the format version and the length-delimited manifest.</summary>
    internal static byte[] Head(IndexManifest manifest)
    {
        using var head = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        "QRIX"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], IndexBuild.FormatVersion);
        head.Write(header);
        manifest.WriteDelimitedTo(head);
        return head.ToArray();
    }

    /// <summary>A copy of <paramref name="path"/> with <paramref name="head"/> in place of its first <paramref name="room"/> bytes.</summary>
    private static string Moved(string path, long room, byte[] head)
    {
        var moved = path + ".moved";
        using (var output = new FileStream(moved, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        using (var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, BufferSize))
        {
            output.Write(head);
            input.Position = room;
            input.CopyTo(output, BufferSize);
        }

        File.Delete(path);
        return moved;
    }

    /// <summary>The records of every source in key order, into <paramref name="records"/>; with several threads the writing runs beside the merge.</summary>
    private void Merge(List<IEnumerator<IndexRecord>> sources, IndexRecordsStream records)
    {
        if (_threads <= 1)
        {
            MergeInto(sources, records.Write);
            return;
        }

        using var batches = new BlockingCollection<IndexRecord[]>(boundedCapacity: 8);
        using var cancel = new CancellationTokenSource();
        var writing = Task.Run(() =>
        {
            try
            {
                foreach (var batch in batches.GetConsumingEnumerable(cancel.Token))
                {
                    foreach (var record in batch)
                    {
                        records.Write(record);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                cancel.Cancel(); // the merge stops at its next batch; this exception is the one thrown
                throw;
            }
        });
        try
        {
            var batch = new IndexRecord[BatchSize];
            var n = 0;
            MergeInto(sources, record =>
            {
                batch[n++] = record;
                if (n == BatchSize)
                {
                    batches.Add(batch, cancel.Token);
                    batch = new IndexRecord[BatchSize];
                    n = 0;
                }
            });
            batches.Add(batch[..n], cancel.Token);
            batches.CompleteAdding();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            cancel.Cancel();
            writing.ContinueWith(static _ => { }, TaskScheduler.Default).Wait(); // stopped before the caller deletes its files
            throw;
        }
        catch (OperationCanceledException)
        {
            // The writing failed and cancelled the merge: its exception is thrown below.
        }

        writing.GetAwaiter().GetResult();
    }

    /// <summary>The k-way merge of sorted sources: each record in key order to <paramref name="emit"/>; a key twice throws.</summary>
    private static void MergeInto(List<IEnumerator<IndexRecord>> sources, Action<IndexRecord> emit)
    {
        var queue = new PriorityQueue<int, string>(StringComparer.Ordinal);
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i].MoveNext())
            {
                queue.Enqueue(i, sources[i].Current.Key);
            }
        }

        string? previous = null;
        while (queue.TryDequeue(out var i, out var key))
        {
            if (previous is not null && string.Equals(previous, key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Duplicate index key '{key}'.", "versionOfChecksum");
            }

            previous = key;
            emit(sources[i].Current);
            if (sources[i].MoveNext())
            {
                queue.Enqueue(i, sources[i].Current.Key);
            }
        }
    }

    /// <summary>The records sorted by key in up to <paramref name="threads"/> parts at once, each part a source of the merge.</summary>
    private static IEnumerable<IEnumerator<IndexRecord>> SortedParts(IndexRecord[] records, int threads)
    {
        var parts = Math.Max(1, Math.Min(threads, records.Length / MinPartRecords));
        var size = (records.Length + parts - 1) / parts;
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, p => Array.Sort(records, p * size, Math.Min(size, records.Length - (p * size)), ByKey));
        return Enumerable.Range(0, parts).Select(p => ((IEnumerable<IndexRecord>)new ArraySegment<IndexRecord>(records, p * size, Math.Min(size, records.Length - (p * size)))).GetEnumerator()).ToList();
    }

    /// <summary>Hands the buffer to a run: sorted and written here (one thread), or on a background thread while the next buffer fills.</summary>
    private void Spill()
    {
        var records = _buffer.ToArray();
        _buffer = [];
        _bufferedBytes = 0;
        Directory.CreateDirectory(_tempDirectory);
        var path = Path.Combine(_tempDirectory, "run-" + _runs.Count.ToString("D5", System.Globalization.CultureInfo.InvariantCulture));
        _runs.Add(path);
        Runs++;
        if (_threads <= 1)
        {
            WriteRun(records, path);
            return;
        }

        WaitForSpill(); // one run in flight: what is held stays within the budget
        _spilling = Task.Run(() => WriteRun(records, path));
    }

    private void WaitForSpill()
    {
        var spilling = _spilling;
        _spilling = null;
        spilling?.GetAwaiter().GetResult();
    }

    /// <summary>Sorts records and writes them as a run: per record, the key (a length-prefixed UTF-8 string) and the value (a 7-bit length, then the bytes).</summary>
    private static void WriteRun(IndexRecord[] records, string path)
    {
        Array.Sort(records, ByKey);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize);
        using var writer = new BinaryWriter(stream, Encoding.UTF8);
        foreach (var record in records)
        {
            writer.Write(record.Key);
            writer.Write7BitEncodedInt(record.Value.Length);
            writer.Write(record.Value);
        }
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
