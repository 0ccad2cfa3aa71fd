using System.Text;
using Google.Protobuf;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Ranking models published on their own in Redis. Each model lives under a content-addressed key
/// <c>{prefix}model:{id}</c> (a <see cref="RankingModelPackage"/>); the pointer and the registry are control keys
/// under the <c>{mdl}</c> hash tag, so one Lua script moves them atomically (cluster-safe):
/// <c>{prefix}{mdl}:active</c> (string id, absent when cleared), <c>{prefix}{mdl}:versions</c> (sorted set, id scored
/// by publish sequence), <c>{prefix}{mdl}:names</c> (hash, id to model_version), <c>{prefix}{mdl}:published</c>
/// (hash, id to publish time in Unix ms) and <c>{prefix}{mdl}:seq</c>.
/// </summary>
/// <remarks>
/// Publish writes the package first, reads it back and verifies it, then flips the pointer; a failure before the flip
/// leaves the previous model active. Retention unregisters the oldest ids beyond the count (never the active one)
/// in a script, then deletes their packages.
/// </remarks>
public sealed class RedisModelStore : IRankingModelSource
{
    // KEYS: active, versions, names, published, seq. ARGV: id, model version, publish time. Returns the previous active id.
    private const string FlipScript = """
        local previous = redis.call('GET', KEYS[1])
        local seq = redis.call('INCR', KEYS[5])
        redis.call('ZADD', KEYS[2], seq, ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
        redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
        redis.call('SET', KEYS[1], ARGV[1])
        return previous
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly TimeProvider _time;
    private readonly byte[] _modelHead;
    private readonly RedisKey _active;
    private readonly RedisKey _versions;
    private readonly RedisKey _names;
    private readonly RedisKey _published;
    private readonly RedisKey _sequence;

    /// <summary>Creates a store over a shared multiplexer, under the same key prefix as the index store.</summary>
    public RedisModelStore(IConnectionMultiplexer redis, string keyPrefix, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _redis = redis;
        _time = timeProvider ?? TimeProvider.System;
        var prefix = Encoding.UTF8.GetBytes(keyPrefix);
        _modelHead = [.. prefix, .. "model:"u8];
        _active = (byte[])[.. prefix, .. "{mdl}:active"u8];
        _versions = (byte[])[.. prefix, .. "{mdl}:versions"u8];
        _names = (byte[])[.. prefix, .. "{mdl}:names"u8];
        _published = (byte[])[.. prefix, .. "{mdl}:published"u8];
        _sequence = (byte[])[.. prefix, .. "{mdl}:seq"u8];
    }

    private IDatabase Db => _redis.GetDatabase();

    /// <inheritdoc />
    public async Task<string?> GetActiveModelIdAsync(CancellationToken cancellationToken = default)
    {
        var value = await Db.StringGetAsync(_active).WithCancellation(cancellationToken);
        return value.IsNull ? null : value.ToString();
    }

    /// <inheritdoc />
    public async Task<RankingModelPackage?> GetModelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        using var lease = await Db.StringGetLeaseAsync(ModelKey(id)).WithCancellation(cancellationToken);
        if (lease is null)
        {
            return null;
        }

        RankingModelPackage package;
        try
        {
            package = RankingModelPackage.Parser.ParseFrom(lease.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"The ranking model {id} is not a valid package: {ex.Message}", ex);
        }

        RankingModelPackages.Verify(package);
        return package;
    }

    /// <summary>
    /// Stores <paramref name="package"/>, verifies it, makes it the active model and deletes the models beyond
    /// <paramref name="retain"/> (the active one included).
    /// </summary>
    public async Task<ModelPublishResult> PublishAsync(RankingModelPackage package, int retain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentOutOfRangeException.ThrowIfLessThan(retain, 1);
        RankingModelPackages.Verify(package);
        var id = RankingModelPackages.IdOf(package);
        var db = Db;
        await db.StringSetAsync(ModelKey(id), package.ToByteArray()).WithCancellation(cancellationToken);
        var stored = await GetModelAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"The ranking model {id} vanished right after it was written.");
        if (stored.OnnxChecksum != package.OnnxChecksum)
        {
            throw new InvalidDataException($"The ranking model {id} read back differs from the one written.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var flipped = await db.ScriptEvaluateAsync(
            FlipScript,
            [_active, _versions, _names, _published, _sequence],
            [id, package.ModelVersion, _time.GetUtcNow().ToUnixTimeMilliseconds()]);
        var previous = flipped.IsNull ? null : flipped.ToString();

        // Live now: a retention failure is reported, not thrown.
        List<string> deleted = [];
        string? warning = null;
        try
        {
            var excess = await db.SortedSetRangeByRankAsync(_versions, 0, -retain - 1, Order.Ascending);
            foreach (var old in excess)
            {
                if (await RedisPointerScripts.UnregisterAsync(db, _active, _versions, [_names, _published], old))
                {
                    await db.KeyDeleteAsync(ModelKey(old.ToString()));
                    deleted.Add(old.ToString());
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            warning = $"retention failed ({ex.Message}); old models are deleted by the next publish-model.";
        }

        return new ModelPublishResult(id, package.ModelVersion, previous, deleted, warning);
    }

    /// <summary>Re-activates the model published before the active one (or <paramref name="toId"/>); returns the id now active.</summary>
    /// <exception cref="InvalidOperationException">There is no model to roll back to.</exception>
    public async Task<string> RollbackAsync(string? toId = null, CancellationToken cancellationToken = default)
    {
        return await RedisPointerScripts.RollbackAsync(Db, _active, _versions, toId, cancellationToken)
            ?? throw new InvalidOperationException(toId is null
                ? "There is no active model published on its own, or no earlier retained one to roll back to."
                : $"Ranking model '{toId}' is not retained.");
    }

    /// <summary>Clears the active pointer (servers go back to the index's model); returns the id that was active, or null.</summary>
    public async Task<string?> ClearAsync(CancellationToken cancellationToken = default)
    {
        var previous = await Db.StringGetDeleteAsync(_active).WithCancellation(cancellationToken);
        return previous.IsNull ? null : previous.ToString();
    }

    /// <summary>The active id and the retained models, newest first.</summary>
    public async Task<ModelStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var db = Db;
        var activeTask = db.StringGetAsync(_active);
        var ids = await db.SortedSetRangeByRankAsync(_versions, 0, -1, Order.Descending).WithCancellation(cancellationToken);
        var namesTask = db.HashGetAsync(_names, ids);
        var publishedTask = db.HashGetAsync(_published, ids);
        var active = await activeTask.WithCancellation(cancellationToken);
        var names = await namesTask.WithCancellation(cancellationToken);
        var published = await publishedTask.WithCancellation(cancellationToken);
        var activeId = active.IsNull ? null : active.ToString();
        var models = new List<StoredModelInfo>(ids.Length);
        for (var i = 0; i < ids.Length; i++)
        {
            var at = published[i].TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.UnixEpoch;
            models.Add(new StoredModelInfo(ids[i].ToString(), names[i].ToString(), at, ids[i].ToString() == activeId));
        }

        return new ModelStatus(activeId, models);
    }

    private RedisKey ModelKey(string id) => RedisKeyspace.JoinBytes(_modelHead, id);
}

/// <summary>What a publish-model did.</summary>
public sealed record ModelPublishResult(string Id, string ModelVersion, string? PreviousId, IReadOnlyList<string> DeletedIds, string? Warning);

/// <summary>The models published on their own: the active id (null when cleared) and the retained ones, newest first.</summary>
public sealed record ModelStatus(string? ActiveId, IReadOnlyList<StoredModelInfo> Models);

/// <summary>One retained model published on its own.</summary>
public sealed record StoredModelInfo(string Id, string ModelVersion, DateTimeOffset PublishedAt, bool IsActive);
