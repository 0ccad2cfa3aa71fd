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
/// Reads of a version are <see cref="RedisIndexSnapshot"/>'s; deleting versions (leftovers, retention) is
/// <see cref="RedisVersionCleaner"/>'s; versions of one key per record are written and read by <see cref="UnpackedLayout"/>.
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
    private readonly RedisVersionCleaner _cleaner;
    private readonly UnpackedLayout _unpacked;

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
        _cleaner = new RedisVersionCleaner(_keys, options);
        _unpacked = new UnpackedLayout(options);
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
        return new RedisIndexSnapshot(Db, version, _keys.VersionNamespace(version));
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
        await using var publishLock = await RedisPublishLock.AcquireAsync(db, _keys.PublishLock, _time, cancellationToken);
        if (await IsRegisteredAsync(db, version, cancellationToken))
        {
            throw AlreadyPublished(version);
        }

        var ns = _keys.VersionNamespace(version);

        // 1. Leftovers of an unfinished publish of this version (never registered, so no reader uses them).
        await _cleaner.DeleteVersionKeysAsync(db, ns, cancellationToken);

        // 2.-4. Packed: the text table and the buckets as the records stream by (a reservation key names how far they
        // may go, for a crashed publish's cleanup), then the directory; validate that Redis holds every byte that was
        // written. One key per record (test hook): the catalog, the records, then read everything back.
        var manifest = buildManifest.Clone();
        if (_options.WriteUnpackedLayout)
        {
            manifest.CatalogChunks = await _unpacked.WriteCatalogAsync(db, ns, build!.Records, cancellationToken);
            await _unpacked.WriteRecordsAsync(db, ns, build.Records, progress, cancellationToken);
            var stored = await _unpacked.ReadRecordsAsync(db, ns, manifest.Version, manifest.CatalogChunks, progress, cancellationToken);
            _ = FromStored(manifest, stored);
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
            deleted = await _cleaner.ApplyRetentionAsync(db, version);
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
            records = await _unpacked.ReadRecordsAsync(db, ns, version, manifest.CatalogChunks, progress: null, cancellationToken);
        }
        else
        {
            records = await PackedVersionReader.ReadRecordsAsync(db, ns, version, _options.WriteBatchSize, progress: null, cancellationToken);
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
}
