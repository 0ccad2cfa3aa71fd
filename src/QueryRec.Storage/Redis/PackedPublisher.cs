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
/// (<see cref="RedisKeyspace.Reservation"/>) is raised by <see cref="PackedReservation.Step"/> and acknowledged, so a cleanup
/// always knows how far a crashed publish may have gone. The directory is written once every record has been read (the
/// source verifies counts and checksum at its end), then the reservation is deleted.
/// Validation: the SHA-1 of every value sent is kept (20 B per key); Redis computes the SHA-1 of what it holds per key
/// (a Lua script over one key: cluster-safe), pipelined. A missing, changed, swapped or overwritten key refuses the flip.
/// </remarks>
internal static class PackedPublisher
{
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

    private static async Task<List<PackedWrittenKey>> WriteAsync(
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
        using var pipeline = new PackedWritePipeline(db, ns, version, options, total, progress, cancellationToken);
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

        List<PackedWrittenKey?> buckets, chunks;
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

        var all = new List<PackedWrittenKey>(chunks.Count + buckets.Count + 1);
        AddAll(chunks, "text chunk");
        AddAll(buckets, "bucket");
        all.Add(new PackedWrittenKey(RedisKeyspace.Directory(ns), $"Index {version}: the bucket directory", SHA1.HashData(directory), 0));
        if (chunks.Count != encoder.TextChunkCount || buckets.Count != encoder.BucketCount)
        {
            throw new InvalidDataException($"Index {version}: {buckets.Count} buckets and {chunks.Count} text chunks written, {encoder.BucketCount} and {encoder.TextChunkCount} encoded.");
        }

        return all;

        void AddAll(List<PackedWrittenKey?> list, string what)
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
    private static async Task ValidateAsync(IDatabase db, IndexManifest manifest, List<PackedWrittenKey> written, int batchSize, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
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
}
