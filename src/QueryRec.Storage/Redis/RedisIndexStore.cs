using System.Globalization;
using System.Text;
using Google.Protobuf;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// The Redis index store: every version lives in its own immutable namespace <c>{prefix}idx:{version}:</c>
/// (records packed into compressed buckets with a directory and a text table, see <see cref="PackedLayout"/>, plus a
/// manifest; versions published one key per record with a key catalog are still read), and the active version is a pointer among the
/// <c>{prefix}{ctl}:*</c> control keys, which share one hash slot so a Lua script flips them atomically.
/// No command touches keys of different slots, so it runs on Redis Cluster. See <see cref="RedisKeyspace"/>.
/// </summary>
/// <remarks>
/// Publish order (packed, <see cref="PackedPublisher"/>): clean leftovers of an unfinished publish of the same version;
/// stream the records (from a file or a build) into text-table chunks and buckets, compressed and written pipelined as
/// they fill, while a reservation key says how many of them may exist; once the source has verified its counts and
/// checksum, write the directory and drop the reservation; check a server-side SHA-1 of every key written against the
/// bytes sent; write the manifest,
/// flip (Lua), announce (pub/sub), then delete versions beyond the retention count. A publish holds a lock
/// (<c>{prefix}{ctl}:publishing</c>, renewed while it runs, expiring 60 s after a crash) so that two publishers
/// never clean up or write the same namespace at once. The reservation (then the directory) always bounds the keys a
/// crashed publish may have left, so it can be cleaned up without SCAN. Until the flip
/// nothing the readers use changes, so a failure or cancellation leaves the previous version serving.
/// </remarks>
public sealed class RedisIndexStore : IIndexStore, IIndexAdmin
{
    // KEYS: active, versions, published, seq. ARGV: version, publish time (Unix ms). Returns the previous active version.
    private const string FlipScript = """
        if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
          return redis.error_reply('QR_EXISTS index version already published')
        end
        local previous = redis.call('GET', KEYS[1])
        local seq = redis.call('INCR', KEYS[4])
        redis.call('ZADD', KEYS[2], seq, ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
        redis.call('SET', KEYS[1], ARGV[1])
        return previous
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisIndexOptions _options;
    private readonly TimeProvider _time;
    private readonly RedisKeyspace _keys;

    /// <summary>Creates a store over a shared multiplexer.</summary>
    public RedisIndexStore(IConnectionMultiplexer redis, RedisIndexOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.KeyPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetainVersions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WriteBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.CatalogChunkSize, 1);
        if (options.KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("The key prefix may not contain '{' or '}' (hash tags are chosen by the store).", nameof(options));
        }

        _redis = redis;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _keys = new RedisKeyspace(options.KeyPrefix);
    }

    /// <inheritdoc />
    public string Name => "redis";

    private IDatabase Db => _redis.GetDatabase();

    /// <inheritdoc />
    public async Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default)
    {
        var value = await Db.StringGetAsync(_keys.Active).WithCancellation(cancellationToken);
        return value.IsNull ? null : value.ToString();
    }

    /// <inheritdoc />
    public IIndexSnapshot OpenSnapshot(string version)
    {
        IndexBuild.ValidateVersion(version);
        return new Snapshot(Db, version, _keys.VersionNamespace(version));
    }

    /// <inheritdoc />
    public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onAnnounced);
        return _redis.GetSubscriber()
            .SubscribeAsync(_keys.Channel, (_, message) => onAnnounced(message.ToString()))
            .WithCancellation(cancellationToken);
    }

    /// <inheritdoc />
    public Task<PublishResult> PublishAsync(IndexBuild build, IProgress<PublishProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(build);
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var record in build.Records)
        {
            if (RedisKeyspace.IsReserved(record.Key))
            {
                throw new ArgumentException($"Index key '{record.Key}' is reserved by the Redis store.", nameof(build));
            }
        }

        return PublishCoreAsync(build.Manifest, build, new BuildRecordSource(build.Records), progress, cancellationToken);
    }

    /// <summary>
    /// Publishes an index file in one streaming pass: records are packed, compressed and written as they are read, with
    /// memory bounded by the buckets in flight (and the text table's dictionary), not by the file. The file's counts and
    /// checksum are verified when its last record has been read; a file that does not verify is refused before the flip.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is truncated or corrupted, or Redis does not hold what was written.</exception>
    /// <exception cref="InvalidOperationException">The version was already published.</exception>
    public Task<PublishResult> PublishFileAsync(IndexFileReader file, IProgress<PublishProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        return _options.WriteUnpackedLayout
            ? PublishAsync(file.ReadToEnd(), progress, cancellationToken)
            : PublishCoreAsync(file.Manifest, null, file, progress, cancellationToken);
    }

    private async Task<PublishResult> PublishCoreAsync(IndexManifest buildManifest, IndexBuild? build, IIndexRecordSource records, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var db = Db;
        var version = buildManifest.Version;
        await using var publishLock = await PublishLock.AcquireAsync(db, _keys.PublishLock, _time, cancellationToken);
        if (await IsRegisteredAsync(db, version, cancellationToken))
        {
            throw AlreadyPublished(version);
        }

        var ns = _keys.VersionNamespace(version);

        // 1. Leftovers of an unfinished publish of this version (never registered, so no reader uses them).
        await DeleteVersionKeysAsync(db, ns, cancellationToken);

        // 2.-4. Packed: the text table and the buckets as the records stream by (a reservation key names how far they
        // may go, for a crashed publish's cleanup), then the directory; validate that Redis holds every byte that was
        // written. One key per record (test hook): the catalog, the records, then read everything back.
        var manifest = buildManifest.Clone();
        if (_options.WriteUnpackedLayout)
        {
            manifest.CatalogChunks = await WriteCatalogAsync(db, ns, build!.Records, cancellationToken);
            await WriteRecordsAsync(db, ns, build.Records, progress, cancellationToken);
            await ValidateAsync(db, ns, manifest, progress, cancellationToken);
        }
        else
        {
            await PackedPublisher.WriteAndValidateAsync(db, ns, manifest, records, _options, progress, cancellationToken);
            manifest.CatalogChunks = 0;
        }

        // 5. The manifest, written last among the version's keys.
        await db.StringSetAsync(RedisKeyspace.Manifest(ns), manifest.ToByteArray()).WithCancellation(cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();

        // 6. Flip. Past this point the version is live: no more cancellation.
        string? previous;
        try
        {
            var flipped = await db.ScriptEvaluateAsync(
                FlipScript,
                _keys.ControlKeys,
                [version, _time.GetUtcNow().ToUnixTimeMilliseconds()]);
            previous = flipped.IsNull ? null : flipped.ToString();
        }
        catch (RedisServerException ex) when (ex.Message.Contains("QR_EXISTS", StringComparison.Ordinal))
        {
            throw AlreadyPublished(version);
        }

        // The version is live now: a failure below is reported, not thrown, so a retry is never told
        // "already published" for a publish that succeeded.
        var warnings = new List<string>();

        // 7. Announce; readers also poll, so this is a hint.
        try
        {
            await _redis.GetSubscriber().PublishAsync(_keys.Channel, version);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            warnings.Add($"announcement failed ({ex.Message}); servers pick the version up by polling.");
        }

        // 8. Retention.
        List<string> deleted;
        try
        {
            deleted = await ApplyRetentionAsync(db, version);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            deleted = [];
            warnings.Add($"retention failed ({ex.Message}); old versions are deleted by the next publish.");
        }

        return new PublishResult(version, previous, manifest.TotalRecords, deleted, warnings);
    }

    /// <inheritdoc />
    public async Task<string> RollbackAsync(string? toVersion = null, CancellationToken cancellationToken = default)
    {
        var version = await RedisPointerScripts.RollbackAsync(Db, _keys.Active, _keys.Versions, toVersion, cancellationToken)
            ?? throw new InvalidOperationException(toVersion is null
                ? "There is no earlier retained version to roll back to."
                : $"Index version '{toVersion}' is not retained.");
        await _redis.GetSubscriber().PublishAsync(_keys.Channel, version);
        return version;
    }

    /// <inheritdoc />
    public async Task<IndexStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var db = Db;
        var activeTask = db.StringGetAsync(_keys.Active);
        var versions = await db.SortedSetRangeByRankAsync(_keys.Versions, 0, -1, Order.Descending).WithCancellation(cancellationToken);
        var publishedTask = db.HashGetAsync(_keys.Published, versions);
        var manifestTasks = new Task<RedisValue>[versions.Length];
        for (var i = 0; i < versions.Length; i++)
        {
            manifestTasks[i] = db.StringGetAsync(RedisKeyspace.Manifest(_keys.VersionNamespace(versions[i].ToString())));
        }

        var active = await activeTask.WithCancellation(cancellationToken);
        var published = await publishedTask.WithCancellation(cancellationToken);
        await Task.WhenAll(manifestTasks).WithCancellation(cancellationToken);

        var activeVersion = active.IsNull ? null : active.ToString();
        var infos = new List<IndexVersionInfo>(versions.Length);
        for (var i = 0; i < versions.Length; i++)
        {
            var version = versions[i].ToString();
            var publishedAt = published[i].TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.UnixEpoch;
            var bytes = (byte[]?)manifestTasks[i].Result;
            var manifest = bytes is null ? new IndexManifest { Version = version } : IndexManifest.Parser.ParseFrom(bytes);
            infos.Add(new IndexVersionInfo(
                version,
                DateTimeOffset.FromUnixTimeMilliseconds(manifest.CreatedUnixMs),
                publishedAt,
                manifest.TotalRecords,
                manifest.RecordCounts.ToDictionary(),
                version == activeVersion));
        }

        return new IndexStatus(activeVersion, infos);
    }

    /// <inheritdoc />
    public async Task<IndexBuild> ReadBuildAsync(string version, CancellationToken cancellationToken = default)
    {
        IndexBuild.ValidateVersion(version);
        var db = Db;
        if (!await IsRegisteredAsync(db, version, cancellationToken))
        {
            throw new KeyNotFoundException($"Index version '{version}' is not retained.");
        }

        var ns = _keys.VersionNamespace(version);
        var bytes = (byte[]?)await db.StringGetAsync(RedisKeyspace.Manifest(ns)).WithCancellation(cancellationToken)
            ?? throw new KeyNotFoundException($"Index version '{version}' has no manifest.");
        var manifest = IndexManifest.Parser.ParseFrom(bytes);
        List<IndexRecord> records;
        if (manifest.CatalogChunks > 0)
        {
            var keys = await ReadCatalogAsync(db, ns, manifest.CatalogChunks, cancellationToken);
            records = await ReadRecordsAsync(db, ns, version, keys, progress: null, cancellationToken);
        }
        else
        {
            records = await ReadPackedAsync(db, ns, version, progress: null, cancellationToken);
        }

        // The catalog is a Redis detail: the exported build carries the manifest as it was built.
        var exported = manifest.Clone();
        exported.CatalogChunks = 0;
        return FromStored(exported, records);
    }

    private static InvalidOperationException AlreadyPublished(string version)
        => new($"Index version '{version}' was already published; use rollback to re-activate it.");

    private static IndexBuild FromStored(IndexManifest manifest, List<IndexRecord> records)
    {
        try
        {
            return IndexBuild.FromStored(manifest, records);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"Index {manifest.Version}: the stored records are invalid: {ex.Message}", ex);
        }
    }

    private async Task<bool> IsRegisteredAsync(IDatabase db, string version, CancellationToken cancellationToken)
        => (await db.SortedSetScoreAsync(_keys.Versions, version).WithCancellation(cancellationToken)).HasValue;

    private async Task<int> WriteCatalogAsync(IDatabase db, byte[] ns, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken)
    {
        var size = _options.CatalogChunkSize;
        var chunks = (records.Count + size - 1) / size;
        var writes = new Task[chunks];
        for (var i = 0; i < chunks; i++)
        {
            var chunk = new KeyCatalogChunk();
            for (var j = i * size; j < Math.Min(records.Count, (i + 1) * size); j++)
            {
                chunk.Keys.Add(records[j].Key);
            }

            writes[i] = db.StringSetAsync(RedisKeyspace.Catalog(ns, i), chunk.ToByteArray());
        }

        await Task.WhenAll(writes).WithCancellation(cancellationToken);
        return chunks;
    }

    private async Task WriteRecordsAsync(IDatabase db, byte[] ns, IReadOnlyList<IndexRecord> records, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var batch = new List<Task>(Math.Min(_options.WriteBatchSize, records.Count));
        long done = 0;
        progress?.Report(new PublishProgress("write", 0, records.Count));
        foreach (var record in records)
        {
            batch.Add(db.StringSetAsync(RedisKeyspace.Join(ns, record.Key), record.Value));
            if (batch.Count == _options.WriteBatchSize)
            {
                done = await FlushAsync(batch, done);
            }
        }

        if (batch.Count > 0)
        {
            await FlushAsync(batch, done);
        }

        async Task<long> FlushAsync(List<Task> pending, long before)
        {
            await Task.WhenAll(pending).WithCancellation(cancellationToken);
            var after = before + pending.Count;
            pending.Clear();
            progress?.Report(new PublishProgress("write", after, records.Count));
            cancellationToken.ThrowIfCancellationRequested();
            return after;
        }
    }

    /// <summary>
    /// Reads a packed version back whole: the directory, the text table, then every bucket, checking that each bucket
    /// starts with the key the directory names, holds as many records as it says, and that keys ascend across buckets
    /// (what the readers' directory lookup relies on). The caller checks counts and checksum against the manifest.
    /// </summary>
    private async Task<List<IndexRecord>> ReadPackedAsync(IDatabase db, byte[] ns, string version, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var directory = await ReadDirectoryAsync(db, ns, version, cancellationToken)
            ?? throw new InvalidDataException($"Index {version}: the bucket directory is missing.");
        var texts = await ReadTextsAsync(db, ns, version, directory, cancellationToken);
        var total = directory.TotalRecords;
        var records = new List<IndexRecord>((int)Math.Min(total, 1 << 24));
        var batchSize = _options.WriteBatchSize;
        string? previous = null;
        progress?.Report(new PublishProgress("validate", 0, total));
        for (var start = 0; start < directory.BucketCount; start += batchSize)
        {
            var count = Math.Min(batchSize, directory.BucketCount - start);
            var reads = new Task<RedisValue>[count];
            for (var j = 0; j < count; j++)
            {
                reads[j] = db.StringGetAsync(RedisKeyspace.Bucket(ns, start + j));
            }

            await Task.WhenAll(reads).WithCancellation(cancellationToken);
            for (var j = 0; j < count; j++)
            {
                var bucket = start + j;
                var what = $"Index {version}: bucket {bucket.ToString(CultureInfo.InvariantCulture)}";
                var stored = (byte[]?)reads[j].Result ?? throw new InvalidDataException($"{what} is missing.");
                var bucketRecords = PackedLayout.ReadBucket(PackedLayout.Decompress(stored, what), texts, what);
                if (bucketRecords.Count != directory.RecordsIn(bucket) || bucketRecords[0].Key != directory.FirstKey(bucket))
                {
                    throw new InvalidDataException($"{what} does not match the directory.");
                }

                foreach (var record in bucketRecords)
                {
                    if (previous is not null && string.CompareOrdinal(previous, record.Key) >= 0)
                    {
                        throw new InvalidDataException($"{what}: key '{record.Key}' is out of order.");
                    }

                    previous = record.Key;
                    records.Add(record);
                }
            }

            progress?.Report(new PublishProgress("validate", records.Count, total));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return records;
    }

    /// <summary>The directory of a packed version, or null when the version has none (one key per record, or absent).</summary>
    private static async Task<PackedDirectory?> ReadDirectoryAsync(IDatabase db, byte[] ns, string version, CancellationToken cancellationToken)
    {
        var stored = (byte[]?)await db.StringGetAsync(RedisKeyspace.Directory(ns)).WithCancellation(cancellationToken);
        return stored is null ? null : PackedLayout.ReadDirectory(stored, version);
    }

    /// <summary>The whole text table of a packed version (chunks read pipelined).</summary>
    private static async Task<List<byte[]>> ReadTextsAsync(IDatabase db, byte[] ns, string version, PackedDirectory directory, CancellationToken cancellationToken)
    {
        var reads = new Task<RedisValue>[directory.TextChunkCount];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = db.StringGetAsync(RedisKeyspace.Texts(ns, i));
        }

        await Task.WhenAll(reads).WithCancellation(cancellationToken);
        var texts = new List<byte[]>(directory.TextCount);
        for (var i = 0; i < reads.Length; i++)
        {
            var what = $"Index {version}: text chunk {i.ToString(CultureInfo.InvariantCulture)}";
            var stored = (byte[]?)reads[i].Result ?? throw new InvalidDataException($"{what} is missing.");
            PackedLayout.ReadTextChunk(PackedLayout.Decompress(stored, what), directory.TextsIn(i), texts, what);
        }

        return texts;
    }

    private async Task ValidateAsync(IDatabase db, byte[] ns, IndexManifest manifest, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var keys = await ReadCatalogAsync(db, ns, manifest.CatalogChunks, cancellationToken);
        var records = await ReadRecordsAsync(db, ns, manifest.Version, keys, progress, cancellationToken);
        _ = FromStored(manifest, records);
    }

    private static async Task<List<string>> ReadCatalogAsync(IDatabase db, byte[] ns, int chunks, CancellationToken cancellationToken)
    {
        var reads = new Task<RedisValue>[chunks];
        for (var i = 0; i < chunks; i++)
        {
            reads[i] = db.StringGetAsync(RedisKeyspace.Catalog(ns, i));
        }

        await Task.WhenAll(reads).WithCancellation(cancellationToken);
        var keys = new List<string>();
        for (var i = 0; i < chunks; i++)
        {
            var bytes = (byte[]?)reads[i].Result
                ?? throw new InvalidDataException($"Key catalog chunk {i.ToString(CultureInfo.InvariantCulture)} is missing.");
            keys.AddRange(KeyCatalogChunk.Parser.ParseFrom(bytes).Keys);
        }

        return keys;
    }

    private async Task<List<IndexRecord>> ReadRecordsAsync(IDatabase db, byte[] ns, string version, List<string> keys, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var records = new List<IndexRecord>(keys.Count);
        var batchSize = _options.WriteBatchSize;
        var reads = new Task<RedisValue>[Math.Min(batchSize, keys.Count)];
        progress?.Report(new PublishProgress("validate", 0, keys.Count));
        for (var start = 0; start < keys.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, keys.Count - start);
            for (var i = 0; i < count; i++)
            {
                reads[i] = db.StringGetAsync(RedisKeyspace.Join(ns, keys[start + i]));
            }

            await Task.WhenAll(reads.AsSpan(0, count)).WithCancellation(cancellationToken);
            for (var i = 0; i < count; i++)
            {
                var bytes = (byte[]?)reads[i].Result
                    ?? throw new InvalidDataException($"Index {version}: key '{keys[start + i]}' is missing.");
                records.Add(new IndexRecord(keys[start + i], bytes));
            }

            progress?.Report(new PublishProgress("validate", start + count, keys.Count));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return records;
    }

    private async Task<List<string>> ApplyRetentionAsync(IDatabase db, string activeVersion)
    {
        var deleted = new List<string>();
        var versions = await db.SortedSetRangeByRankAsync(_keys.Versions, 0, -1, Order.Ascending);
        var excess = versions.Length - _options.RetainVersions;
        for (var i = 0; i < versions.Length && excess > 0; i++)
        {
            var version = versions[i].ToString();
            if (version == activeVersion)
            {
                continue;
            }

            // Unregister first (refused if it became active meanwhile), so no rollback can reach a half-deleted version.
            if (await RedisPointerScripts.UnregisterAsync(db, _keys.Active, _keys.Versions, [_keys.Published], version))
            {
                await DeleteVersionKeysAsync(db, _keys.VersionNamespace(version), CancellationToken.None);
                deleted.Add(version);
                excess--;
            }
        }

        return deleted;
    }

    /// <summary>
    /// Deletes every key of a version namespace found through its directory (packed) or its catalog (one key per
    /// record), then the directory or catalog and the manifest.
    /// </summary>
    private async Task DeleteVersionKeysAsync(IDatabase db, byte[] ns, CancellationToken cancellationToken)
    {
        var own = new List<RedisKey> { RedisKeyspace.Manifest(ns) };
        var directoryBytes = (byte[]?)await db.StringGetAsync(RedisKeyspace.Directory(ns)).WithCancellation(cancellationToken);
        if (directoryBytes is not null)
        {
            var directory = PackedLayout.ReadDirectory(directoryBytes, Encoding.UTF8.GetString(ns));
            await UnlinkAsync(db, Enumerable.Range(0, directory.TextChunkCount).Select(i => RedisKeyspace.Texts(ns, i)), cancellationToken);
            await UnlinkAsync(db, Enumerable.Range(0, directory.BucketCount).Select(i => RedisKeyspace.Bucket(ns, i)), cancellationToken);
            own.Add(RedisKeyspace.Directory(ns));
        }

        // A publish that stopped before its directory: the reservation names how many buckets and text chunks it may have written.
        var reserved = (string?)await db.StringGetAsync(RedisKeyspace.Reservation(ns)).WithCancellation(cancellationToken);
        if (reserved is not null && PackedPublisher.TryParseReservation(reserved, out var buckets, out var chunks))
        {
            await UnlinkAsync(db, Enumerable.Range(0, chunks).Select(i => RedisKeyspace.Texts(ns, i)), cancellationToken);
            await UnlinkAsync(db, Enumerable.Range(0, buckets).Select(i => RedisKeyspace.Bucket(ns, i)), cancellationToken);
        }

        own.Add(RedisKeyspace.Reservation(ns));

        for (var i = 0; ; i++)
        {
            var chunkKey = RedisKeyspace.Catalog(ns, i);
            var bytes = (byte[]?)await db.StringGetAsync(chunkKey).WithCancellation(cancellationToken);
            if (bytes is null)
            {
                break;
            }

            own.Add(chunkKey);
            var chunk = KeyCatalogChunk.Parser.ParseFrom(bytes);
            await UnlinkAsync(db, chunk.Keys.Select(k => RedisKeyspace.Join(ns, k)), cancellationToken);
        }

        await UnlinkAsync(db, own, cancellationToken);
    }

    /// <summary>UNLINKs keys one per command (they live in different slots), keeping a batch in flight.</summary>
    private async Task UnlinkAsync(IDatabase db, IEnumerable<RedisKey> keys, CancellationToken cancellationToken)
    {
        var batch = new List<Task>();
        foreach (var key in keys)
        {
            batch.Add(db.ExecuteAsync("UNLINK", key));
            if (batch.Count == _options.WriteBatchSize)
            {
                await Task.WhenAll(batch).WithCancellation(cancellationToken);
                batch.Clear();
            }
        }

        await Task.WhenAll(batch).WithCancellation(cancellationToken);
    }

    /// <summary>The publish lock: taken with SET NX PX, renewed in the background, released on dispose.</summary>
    private sealed class PublishLock : IAsyncDisposable
    {
        private static readonly TimeSpan Expiry = TimeSpan.FromSeconds(60);
        private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

        private readonly IDatabase _db;
        private readonly RedisKey _key;
        private readonly RedisValue _token;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewal;

        private PublishLock(IDatabase db, RedisKey key, RedisValue token, TimeProvider time)
        {
            _db = db;
            _key = key;
            _token = token;
            _renewal = RenewAsync(time);
        }

        public static async Task<PublishLock> AcquireAsync(IDatabase db, RedisKey key, TimeProvider time, CancellationToken cancellationToken)
        {
            RedisValue token = Environment.MachineName + "/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "/" + Guid.NewGuid().ToString("N");
            if (!await db.LockTakeAsync(key, token, Expiry).WithCancellation(cancellationToken))
            {
                var holder = await db.LockQueryAsync(key);
                throw new InvalidOperationException(
                    $"Another publish is in progress (lock '{key}' held by '{holder}'). Retry when it ends; a crashed publisher's lock expires within {Expiry.TotalSeconds:0} s.");
            }

            return new PublishLock(db, key, token, time);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _renewal;
            _stop.Dispose();
            try
            {
                await _db.LockReleaseAsync(_key, _token);
            }
            catch (RedisException)
            {
                // The lock expires by itself; do not hide the publish's own outcome.
            }
        }

        private async Task RenewAsync(TimeProvider time)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(RenewEvery, time, _stop.Token);
                    await _db.LockExtendAsync(_key, _token, Expiry);
                }
            }
            catch (OperationCanceledException)
            {
                // Released.
            }
            catch (RedisException)
            {
                // Next publish step will fail on the same connection problem; the lock then expires.
            }
        }
    }

    /// <summary>
    /// Reads of one version. The first read loads how the version is laid out: a packed version's directory and text
    /// table (once per snapshot; <c>ActiveIndex</c> does it when it activates the version), or nothing for a version
    /// published one key per record. A record then costs one GET (of its bucket, or of its key); several completion
    /// nodes cost one pipelined GET per distinct bucket, in one round trip.
    /// </summary>
    private sealed class Snapshot : IIndexSnapshot
    {
        private readonly IDatabase _db;
        private readonly byte[] _ns;
        private Task<Layout>? _layout;

        public Snapshot(IDatabase db, string version, byte[] ns)
        {
            _ns = ns;
            _db = db;
            Version = version;
        }

        public string Version { get; }

        public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Prefix(normalizedPrefix), PrefixNode.Parser, cancellationToken);

        public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Completions(table, key), PrefixNode.Parser, cancellationToken);

        public async ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var layout = await LayoutAsync(cancellationToken);
            var nodes = new PrefixNode?[keys.Count];
            if (layout.Directory is { } directory)
            {
                // One GET per distinct bucket, issued together (one round trip; no multi-key command, so cluster-safe).
                var relative = new string[keys.Count];
                var bucketOf = new int[keys.Count];
                var buckets = new Dictionary<int, Task<RedisValue>>();
                for (var i = 0; i < keys.Count; i++)
                {
                    relative[i] = IndexKeys.Completions(table, keys[i]);
                    var bucket = bucketOf[i] = directory.BucketOf(relative[i]);
                    if (bucket >= 0 && !buckets.ContainsKey(bucket))
                    {
                        buckets[bucket] = _db.StringGetAsync(RedisKeyspace.Bucket(_ns, bucket));
                    }
                }

                await Task.WhenAll(buckets.Values).WithCancellation(cancellationToken);
                var raw = new Dictionary<int, byte[]>(buckets.Count);
                for (var i = 0; i < keys.Count; i++)
                {
                    var bucket = bucketOf[i];
                    if (bucket < 0)
                    {
                        continue;
                    }

                    var what = What(bucket);
                    if (!raw.TryGetValue(bucket, out var bytes))
                    {
                        raw[bucket] = bytes = Decompress(buckets[bucket].Result, what);
                    }

                    var value = PackedLayout.FindInBucket(bytes, relative[i], layout.Texts, what);
                    nodes[i] = value is null ? null : PrefixNode.Parser.ParseFrom(value);
                }

                return nodes;
            }

            // One GET per key, issued together: the multiplexer pipelines them into one round trip, and unlike
            // MGET they may live in different cluster slots.
            var pending = new Task<Lease<byte>?>[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                pending[i] = _db.StringGetLeaseAsync(RedisKeyspace.JoinBytes(_ns, IndexKeys.Completions(table, keys[i])));
            }

            try
            {
                await Task.WhenAll(pending).WithCancellation(cancellationToken);
                for (var i = 0; i < pending.Length; i++)
                {
                    var lease = pending[i].Result;
                    nodes[i] = lease is null ? null : PrefixNode.Parser.ParseFrom(lease.Span);
                }
            }
            finally
            {
                foreach (var task in pending)
                {
                    if (task.IsCompletedSuccessfully)
                    {
                        task.Result?.Dispose();
                    }
                }
            }

            return nodes;
        }

        public ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Vocabulary(chunk), VocabularyChunk.Parser, cancellationToken);

        public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Query(normalizedQuery), QueryStats.Parser, cancellationToken);

        public ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Info, IndexInfo.Parser, cancellationToken);

        public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Related(normalizedQuery), RelatedQueries.Parser, cancellationToken);

        public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Refinements(normalizedQuery), RelatedQueries.Parser, cancellationToken);

        public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Item(itemId), ItemQueries.Parser, cancellationToken);

        public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Hot(category), RankedQueries.Parser, cancellationToken);

        public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Trending(category), RankedQueries.Parser, cancellationToken);

        public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Pins, PinList.Parser, cancellationToken);

        public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default)
            => GetAsync(IndexKeys.Model, RankingModelPackage.Parser, cancellationToken);

        private async ValueTask<T?> GetAsync<T>(string relativeKey, MessageParser<T> parser, CancellationToken cancellationToken)
            where T : class, IMessage<T>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var layout = await LayoutAsync(cancellationToken);
            if (layout.Directory is { } directory)
            {
                var bucket = directory.BucketOf(relativeKey);
                if (bucket < 0)
                {
                    return null;
                }

                var stored = await _db.StringGetAsync(RedisKeyspace.Bucket(_ns, bucket)).WithCancellation(cancellationToken);
                var what = What(bucket);
                var value = PackedLayout.FindInBucket(Decompress(stored, what), relativeKey, layout.Texts, what);
                return value is null ? null : parser.ParseFrom(value);
            }

            using var lease = await _db.StringGetLeaseAsync(RedisKeyspace.JoinBytes(_ns, relativeKey)).WithCancellation(cancellationToken);
            return lease is null ? null : parser.ParseFrom(lease.Span);
        }

        private static byte[] Decompress(RedisValue stored, string what)
            => stored.IsNull
                ? throw new InvalidDataException($"{what} is missing.")
                : PackedLayout.Decompress((byte[])stored!, what);

        private string What(int bucket) => $"Index {Version}: bucket {bucket.ToString(CultureInfo.InvariantCulture)}";

        /// <summary>The version's layout, loaded once; a failed load is retried by the next read.</summary>
        private ValueTask<Layout> LayoutAsync(CancellationToken cancellationToken)
        {
            var task = _layout;
            if (task is { IsCompletedSuccessfully: true })
            {
                return new ValueTask<Layout>(task.Result);
            }

            if (task is null || task.IsFaulted || task.IsCanceled)
            {
                task = LoadLayoutAsync();
                Interlocked.Exchange(ref _layout, task);
            }

            return new ValueTask<Layout>(task.WithCancellation(cancellationToken));
        }

        private async Task<Layout> LoadLayoutAsync()
        {
            var directory = await ReadDirectoryAsync(_db, _ns, Version, CancellationToken.None);
            return directory is null
                ? new Layout(null, [])
                : new Layout(directory, await ReadTextsAsync(_db, _ns, Version, directory, CancellationToken.None));
        }

        /// <summary>A packed version's directory and text table; no directory for a version of one key per record.</summary>
        private sealed record Layout(PackedDirectory? Directory, IReadOnlyList<byte[]> Texts);
    }
}

internal static class RedisTaskExtensions
{
    /// <summary>Stops waiting when the token fires (the Redis command itself still completes).</summary>
    public static Task<T> WithCancellation<T>(this Task<T> task, CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;

    /// <inheritdoc cref="WithCancellation{T}(Task{T}, CancellationToken)"/>
    public static Task WithCancellation(this Task task, CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled ? task.WaitAsync(cancellationToken) : task;
}
