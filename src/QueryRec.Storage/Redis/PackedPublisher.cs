using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Writes a version in the <see cref="PackedLayout"/> from a stream of sorted records, then validates it, for
/// <see cref="RedisIndexStore"/>. One thread reads and packs (<see cref="PackedEncoder"/>); one worker per core compresses
/// the finished buckets and text chunks and sends them (pipelined, at most <see cref="RedisIndexOptions.WriteBatchSize"/>
/// unacknowledged); the caller's task awaits the acknowledgements in order and reports progress. Memory: a few raw units
/// per worker and the compressed values in flight, beside the encoder's text table.
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
        var quality = options.CompressionQuality;
        var workers = Math.Max(1, Environment.ProcessorCount);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var units = Channel.CreateBounded<PackedUnit>(new BoundedChannelOptions(workers) { SingleWriter = true });
        var sent = Channel.CreateBounded<SentUnit>(new BoundedChannelOptions(options.WriteBatchSize) { SingleReader = true });
        var reservation = new Reservation(db, RedisKeyspace.Reservation(ns));
        var encoder = new PackedEncoder(options.BucketBytes, unit =>
        {
            try
            {
                reservation.Cover(unit);
                if (!units.Writer.TryWrite(unit))
                {
                    units.Writer.WriteAsync(unit, stop.Token).AsTask().GetAwaiter().GetResult();
                }
            }
            catch
            {
                unit.Dispose();
                throw;
            }
        });

        // The reader and packer: one thread, as the records come in key order.
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
                            stop.Token.ThrowIfCancellationRequested();
                        }
                    }

                    encoder.Complete();
                    units.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    units.Writer.TryComplete(ex);
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        // Compress and send, one worker per core.
        var senders = new Task[workers];
        for (var w = 0; w < workers; w++)
        {
            senders[w] = Task.Run(async () =>
            {
                await foreach (var unit in units.Reader.ReadAllAsync(stop.Token))
                {
                    byte[] value;
                    using (unit)
                    {
                        value = PackedLayout.Compress(unit.Raw, quality);
                    }

                    var key = unit.Kind == PackedUnitKind.Bucket ? RedisKeyspace.Bucket(ns, unit.Index) : RedisKeyspace.Texts(ns, unit.Index);
                    var write = db.StringSetAsync(key, value);
                    await sent.Writer.WriteAsync(new SentUnit(unit.Kind, unit.Index, SHA1.HashData(value), unit.Records, write), stop.Token);
                }
            });
        }

        var sending = Task.WhenAll(senders).ContinueWith(
            t => sent.Writer.TryComplete(t.Exception?.GetBaseException()),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        var buckets = new List<WrittenKey?>();
        var chunks = new List<WrittenKey?>();
        long done = 0;
        progress?.Report(new PublishProgress("write", 0, total));
        try
        {
            await foreach (var unit in sent.Reader.ReadAllAsync(cancellationToken))
            {
                await unit.Write.WithCancellation(cancellationToken);
                var list = unit.Kind == PackedUnitKind.Bucket ? buckets : chunks;
                while (list.Count <= unit.Index)
                {
                    list.Add(null);
                }

                list[unit.Index] = new WrittenKey(
                    unit.Kind == PackedUnitKind.Bucket ? RedisKeyspace.Bucket(ns, unit.Index) : RedisKeyspace.Texts(ns, unit.Index),
                    $"Index {version}: {(unit.Kind == PackedUnitKind.Bucket ? "bucket" : "text chunk")} {unit.Index.ToString(CultureInfo.InvariantCulture)}",
                    unit.Digest,
                    unit.Records);
                done += unit.Records;
                if (unit.Records > 0 && done < total)
                {
                    progress?.Report(new PublishProgress("write", done, total));
                }

                cancellationToken.ThrowIfCancellationRequested();
            }

            await producer;
            await Task.WhenAll(senders);
        }
        catch (Exception)
        {
            await stop.CancelAsync();
            units.Writer.TryComplete();
            sent.Writer.TryComplete();
            await Task.WhenAll(producer, sending).ContinueWith(static _ => { }, TaskScheduler.Default);
            await Task.WhenAll(senders).ContinueWith(static _ => { }, TaskScheduler.Default);
            while (units.Reader.TryRead(out var left))
            {
                left.Dispose();
            }

            while (sent.Reader.TryRead(out var left))
            {
                _ = left.Write.ContinueWith(static t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            }

            // The root cause: the source's (a truncated or corrupted file), else a sender's, else what stopped us.
            var root = Cause(producer) ?? senders.Select(Cause).FirstOrDefault(e => e is not null);
            if (root is not null && !cancellationToken.IsCancellationRequested)
            {
                ExceptionDispatchInfo.Throw(root);
            }

            throw;
        }

        if (encoder.RecordCount != total || done != total)
        {
            throw new InvalidDataException($"Index {version}: {encoder.RecordCount} records read and {done} written, the manifest declares {total}.");
        }

        // The directory, once every record has been read and verified; then the reservation is no longer needed.
        var directory = encoder.EncodeDirectory(quality);
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
        => task.Exception?.GetBaseException() is { } e && e is not OperationCanceledException && e is not ChannelClosedException ? e : null;

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

    /// <summary>A unit handed to Redis: its write, and the SHA-1 of the value sent.</summary>
    private sealed record SentUnit(PackedUnitKind Kind, int Index, byte[] Digest, int Records, Task Write);

    /// <summary>A key written and acknowledged: what to call it in errors, the SHA-1 of its value, records it holds.</summary>
    private sealed record WrittenKey(RedisKey Key, string What, byte[] Digest, int Records);

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
