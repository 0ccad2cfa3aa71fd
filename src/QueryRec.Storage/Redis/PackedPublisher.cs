using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Writes a version in the <see cref="PackedLayout"/> from a stream of sorted records, then validates it, for
/// <see cref="RedisIndexStore"/>. One thread reads and packs (<see cref="PackedEncoder"/>); compressor threads (one per
/// further core, and the reader itself when they lag) compress the finished buckets and text chunks and send them
/// (pipelined, at most <see cref="RedisIndexOptions.WriteBatchSize"/> unacknowledged); the caller's task awaits them all
/// at the end. Memory: a few raw units and the compressed values in flight, beside the encoder's text table.
/// </summary>
/// <remarks>
/// Crash safety: before a bucket or text chunk with a number beyond the current reservation is sent, the reservation key
/// (<see cref="RedisKeyspace.Reservation"/>) is raised by <see cref="ReservationStep"/> and acknowledged, so a cleanup
/// always knows how far a crashed publish may have gone. The directory is written once every record has been read (the
/// source verifies counts and checksum at its end), then the reservation is deleted.
/// Validation: the SHA-1 of every value sent is kept (20 B per key); Redis computes the SHA-1 of what it holds per key
/// (a Lua script over one key: cluster-safe), pipelined. A missing, changed, swapped or overwritten key refuses the flip.
/// </remarks>
internal static class PackedPublisher
{
    /// <summary>How many bucket or chunk numbers one raise of the reservation covers.</summary>
    public const int ReservationStep = 256;

    // KEYS: one key. Returns the SHA-1 (hex) of its string value, or nil when it is missing.
    private const string DigestScript = """
        local v = redis.call('GET', KEYS[1])
        if not v then return false end
        return redis.sha1hex(v)
        """;

    /// <summary>Writes and validates the text table, the buckets and the directory of <paramref name="manifest"/>'s version.</summary>
    /// <exception cref="InvalidDataException">The records do not verify, or Redis does not hold what was written.</exception>
    public static async Task WriteAndValidateAsync(
        IDatabase db,
        byte[] ns,
        IndexManifest manifest,
        IIndexRecordSource records,
        RedisIndexOptions options,
        IProgress<PublishProgress>? progress,
        CancellationToken cancellationToken)
    {
        var written = await WriteAsync(db, ns, manifest, records, options, progress, cancellationToken);
        await ValidateAsync(db, manifest, written, options.WriteBatchSize, progress, cancellationToken);
    }

    /// <summary>Parses a reservation value ("buckets chunks").</summary>
    public static bool TryParseReservation(string value, out int buckets, out int chunks)
    {
        buckets = chunks = 0;
        var parts = value.Split(' ');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out buckets)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out chunks);
    }

    private static async Task<List<WrittenKey>> WriteAsync(
        IDatabase db,
        byte[] ns,
        IndexManifest manifest,
        IIndexRecordSource records,
        RedisIndexOptions options,
        IProgress<PublishProgress>? progress,
        CancellationToken cancellationToken)
    {
        var version = manifest.Version;
        var total = manifest.TotalRecords;
        using var pipeline = new Pipeline(db, ns, version, options, total, progress, cancellationToken);
        var encoder = new PackedEncoder(options.BucketBytes, pipeline.Add);
        progress?.Report(new PublishProgress("write", 0, total));

        // The reader and packer: one thread, as the records come in key order; it compresses too when the others lag.
        var producer = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    var n = 0;
                    while (records.Read())
                    {
                        encoder.Add(records.Key, records.Value);
                        if ((++n & 1023) == 0)
                        {
                            pipeline.ThrowIfStopped();
                        }
                    }

                    encoder.Complete();
                }
                finally
                {
                    pipeline.CompleteAdding();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        List<WrittenKey?> buckets, chunks;
        try
        {
            await producer;
            (buckets, chunks) = await pipeline.DrainAsync();
        }
        catch (Exception)
        {
            pipeline.Stop();
            await producer.ContinueWith(static _ => { }, TaskScheduler.Default);
            await pipeline.JoinAsync();

            // The root cause: the source's (a truncated or corrupted file), else a write's, else what stopped us.
            cancellationToken.ThrowIfCancellationRequested();
            if (Cause(producer) is { } root)
            {
                ExceptionDispatchInfo.Throw(root);
            }

            pipeline.ThrowIfFailed();
            throw;
        }

        if (encoder.RecordCount != total || pipeline.Done != total)
        {
            throw new InvalidDataException($"Index {version}: {encoder.RecordCount} records read and {pipeline.Done} written, the manifest declares {total}.");
        }

        // The directory, once every record has been read and verified; then the reservation is no longer needed.
        var directory = encoder.EncodeDirectory(options.CompressionQuality);
        await db.StringSetAsync(RedisKeyspace.Directory(ns), directory).WithCancellation(cancellationToken);
        await db.KeyDeleteAsync(RedisKeyspace.Reservation(ns)).WithCancellation(cancellationToken);
        progress?.Report(new PublishProgress("write", total, total));
        cancellationToken.ThrowIfCancellationRequested();

        var all = new List<WrittenKey>(chunks.Count + buckets.Count + 1);
        AddAll(chunks, "text chunk");
        AddAll(buckets, "bucket");
        all.Add(new WrittenKey(RedisKeyspace.Directory(ns), $"Index {version}: the bucket directory", SHA1.HashData(directory), 0));
        if (chunks.Count != encoder.TextChunkCount || buckets.Count != encoder.BucketCount)
        {
            throw new InvalidDataException($"Index {version}: {buckets.Count} buckets and {chunks.Count} text chunks written, {encoder.BucketCount} and {encoder.TextChunkCount} encoded.");
        }

        return all;

        void AddAll(List<WrittenKey?> list, string what)
        {
            for (var i = 0; i < list.Count; i++)
            {
                all.Add(list[i] ?? throw new InvalidDataException($"Index {version}: {what} {i.ToString(CultureInfo.InvariantCulture)} was never written."));
            }
        }
    }

    private static Exception? Cause(Task task)
        => task.Exception?.GetBaseException() is { } e && e is not OperationCanceledException ? e : null;

    /// <summary>Compares Redis's SHA-1 of every written key with the SHA-1 of the bytes sent, a batch at a time.</summary>
    private static async Task ValidateAsync(IDatabase db, IndexManifest manifest, List<WrittenKey> written, int batchSize, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var total = manifest.TotalRecords;
        long done = 0;
        progress?.Report(new PublishProgress("validate", 0, total));
        var digests = new Task<RedisResult>[Math.Min(batchSize, written.Count)];
        for (var start = 0; start < written.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, written.Count - start);
            for (var j = 0; j < count; j++)
            {
                digests[j] = db.ScriptEvaluateAsync(DigestScript, [written[start + j].Key]);
            }

            await Task.WhenAll(digests.AsSpan(0, count)).WithCancellation(cancellationToken);
            for (var j = 0; j < count; j++)
            {
                var key = written[start + j];
                var result = digests[j].Result;
                if (result.IsNull)
                {
                    throw new InvalidDataException($"{key.What} is missing.");
                }

                var expected = Convert.ToHexStringLower(key.Digest);
                if (!string.Equals((string?)result, expected, StringComparison.Ordinal))
                {
                    throw new InvalidDataException($"{key.What} is not what was written (SHA-1 {(string?)result}, written {expected}): changed, swapped or overwritten.");
                }

                done += key.Records;
            }

            progress?.Report(new PublishProgress("validate", done, total));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>A key written and acknowledged: what to call it in errors, the SHA-1 of its value, records it holds.</summary>
    private sealed record WrittenKey(RedisKey Key, string What, byte[] Digest, int Records);

    /// <summary>
    /// Compression and sending of the units the encoder emits. Compressor threads (one per core beyond the producer's)
    /// take units from a short queue; when the queue is full the producer compresses one itself instead of waiting, so
    /// both cores stay busy and nobody spins. Writes are pipelined on the multiplexer, at most
    /// <see cref="RedisIndexOptions.WriteBatchSize"/> unacknowledged; an acknowledgement only counts (no continuation on
    /// the thread pool). Progress is reported from the producer thread.
    /// </summary>
    private sealed class Pipeline : IDisposable
    {
        private readonly IDatabase _db;
        private readonly byte[] _ns;
        private readonly int _quality;
        private readonly long _total;
        private readonly IProgress<PublishProgress>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly CancellationTokenSource _stop;
        private readonly Reservation _reservation;
        private readonly Queue<PackedUnit> _queue = new();
        private readonly int _queueLimit;
        private readonly SemaphoreSlim _inFlight;
        private readonly Thread[] _compressors;
        private readonly TaskCompletionSource _compressorsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<WrittenKey?> _buckets = [];
        private readonly List<WrittenKey?> _chunks = [];
        private readonly List<Task> _writes = [];
        private readonly string _version;
        private int _running;
        private bool _adding = true;
        private long _done;
        private long _reported;
        private Exception? _failure;

        public Pipeline(IDatabase db, byte[] ns, string version, RedisIndexOptions options, long total, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
        {
            _db = db;
            _ns = ns;
            _quality = options.CompressionQuality;
            _total = total;
            _progress = progress;
            _cancellationToken = cancellationToken;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _reservation = new Reservation(db, RedisKeyspace.Reservation(ns));
            _inFlight = new SemaphoreSlim(options.WriteBatchSize, options.WriteBatchSize);
            _version = version;
            var count = Math.Max(1, Environment.ProcessorCount - 1);
            _queueLimit = 2 * count;
            _compressors = new Thread[count];
            _running = count;
            for (var i = 0; i < count; i++)
            {
                _compressors[i] = new Thread(Compress) { IsBackground = true, Name = "queryrec-publish-compress" };
                _compressors[i].Start();
            }
        }

        /// <summary>Records in acknowledged buckets.</summary>
        public long Done => Interlocked.Read(ref _done);

        /// <summary>Takes a finished unit (producer thread): reserves its number, queues it or compresses it here.</summary>
        public void Add(PackedUnit unit)
        {
            var queued = false;
            try
            {
                ThrowIfStopped();
                _reservation.Cover(unit);
                PackedUnit? mine = null;
                lock (_queue)
                {
                    _queue.Enqueue(unit);
                    queued = true;
                    if (_queue.Count > _queueLimit)
                    {
                        mine = _queue.Dequeue();
                    }
                    else
                    {
                        Monitor.Pulse(_queue);
                    }
                }

                if (mine is not null)
                {
                    Send(mine);
                }

                Report();
            }
            catch when (!queued)
            {
                unit.Dispose();
                throw;
            }
        }

        public void ThrowIfStopped()
        {
            ThrowIfFailed();
            _stop.Token.ThrowIfCancellationRequested();
        }

        public void ThrowIfFailed()
        {
            if (Volatile.Read(ref _failure) is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        /// <summary>No more units: the compressors finish the queue and end.</summary>
        public void CompleteAdding()
        {
            lock (_queue)
            {
                _adding = false;
                Monitor.PulseAll(_queue);
            }
        }

        /// <summary>Stops everything after a failure or cancellation (queued units are dropped).</summary>
        public void Stop()
        {
            try
            {
                _stop.Cancel();
            }
            catch (AggregateException)
            {
                // A registration's failure; the pipeline stops anyway.
            }

            CompleteAdding();
        }

        /// <summary>Waits for the compressors and every write, then returns what was written.</summary>
        public async Task<(List<WrittenKey?> Buckets, List<WrittenKey?> Chunks)> DrainAsync()
        {
            await _compressorsDone.Task.WithCancellation(_cancellationToken);
            ThrowIfStopped();
            Task[] writes;
            lock (_writes)
            {
                writes = [.. _writes];
            }

            await Task.WhenAll(writes).WithCancellation(_cancellationToken);
            ThrowIfStopped();
            return (_buckets, _chunks);
        }

        /// <summary>Waits for the compressors to end (after <see cref="Stop"/>); writes already sent complete on their own.</summary>
        public Task JoinAsync() => _compressorsDone.Task;

        public void Dispose()
        {
            Stop();
            lock (_queue)
            {
                while (_queue.Count > 0)
                {
                    _queue.Dequeue().Dispose();
                }
            }

            _stop.Dispose();
        }

        private void Compress()
        {
            try
            {
                while (true)
                {
                    PackedUnit unit;
                    lock (_queue)
                    {
                        while (_queue.Count == 0 && _adding)
                        {
                            Monitor.Wait(_queue);
                        }

                        if (_queue.Count == 0 || _stop.IsCancellationRequested)
                        {
                            return;
                        }

                        unit = _queue.Dequeue();
                    }

                    Send(unit);
                }
            }
            catch (Exception ex)
            {
                Fail(ex);
            }
            finally
            {
                if (Interlocked.Decrement(ref _running) == 0)
                {
                    _compressorsDone.TrySetResult();
                }
            }
        }

        /// <summary>Compresses a unit, records its digest and sends it (any thread).</summary>
        private void Send(PackedUnit unit)
        {
            byte[] value;
            PackedUnitKind kind;
            int index, records;
            using (unit)
            {
                value = PackedLayout.Compress(unit.Raw, _quality);
                (kind, index, records) = (unit.Kind, unit.Index, unit.Records);
            }

            var digest = SHA1.HashData(value);
            var key = kind == PackedUnitKind.Bucket ? RedisKeyspace.Bucket(_ns, index) : RedisKeyspace.Texts(_ns, index);
            _inFlight.Wait(_stop.Token);
            // The acknowledgement (the continuation, so that Done counts it once the task is awaited); a failure stops the pipeline.
            var write = _db.StringSetAsync(key, value).ContinueWith(
                (t, state) =>
                {
                    var self = (Pipeline)state!;
                    self._inFlight.Release();
                    if (t.IsFaulted)
                    {
                        self.Fail(t.Exception!.GetBaseException());
                    }
                    else
                    {
                        Interlocked.Add(ref self._done, records);
                    }
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            var what = $"Index {_version}: {(kind == PackedUnitKind.Bucket ? "bucket" : "text chunk")} {index.ToString(CultureInfo.InvariantCulture)}";
            var written = new WrittenKey(key, what, digest, records);
            lock (_writes)
            {
                _writes.Add(write);
                var list = kind == PackedUnitKind.Bucket ? _buckets : _chunks;
                while (list.Count <= index)
                {
                    list.Add(null);
                }

                list[index] = written;
            }
        }

        private void Fail(Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                Interlocked.CompareExchange(ref _failure, ex, null);
            }

            try
            {
                _stop.Cancel();
            }
            catch (AggregateException)
            {
                // Stopping anyway.
            }
        }

        /// <summary>Reports the records acknowledged so far (the final count is reported once everything is written).</summary>
        private void Report()
        {
            var done = Done;
            if (_progress is not null && done != _reported && done < _total)
            {
                _reported = done;
                _progress.Report(new PublishProgress("write", done, _total));
            }
        }
    }

    /// <summary>The reservation key, raised (and acknowledged) before a unit beyond it is sent; used by the producer thread only.</summary>
    private sealed class Reservation(IDatabase db, RedisKey key)
    {
        private int _buckets;
        private int _chunks;

        public void Cover(PackedUnit unit)
        {
            var bucketsNeeded = unit.Kind == PackedUnitKind.Bucket ? unit.Index + 1 : 0;
            var chunksNeeded = unit.Kind == PackedUnitKind.TextChunk ? unit.Index + 1 : 0;
            if (bucketsNeeded <= _buckets && chunksNeeded <= _chunks)
            {
                return;
            }

            _buckets = Math.Max(_buckets, bucketsNeeded + ReservationStep);
            _chunks = Math.Max(_chunks, chunksNeeded + ReservationStep);
            db.StringSet(key, _buckets.ToString(CultureInfo.InvariantCulture) + " " + _chunks.ToString(CultureInfo.InvariantCulture));
        }
    }
}
