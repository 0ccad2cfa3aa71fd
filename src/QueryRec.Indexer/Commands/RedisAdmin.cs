using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using QueryRec.Storage;
using QueryRec.Storage.Realtime;
using QueryRec.Storage.Redis;
using StackExchange.Redis;

namespace QueryRec.Indexer.Commands;

/// <summary>The Redis connection options shared by publish, status, rollback and export.</summary>
internal sealed class RedisAdminOptions
{
    public Option<string> Redis { get; } = new("--redis") { Description = "Redis endpoint, HOST:PORT or a StackExchange.Redis configuration string (password=, user=, ssl=true, sslHost=, and tlsCaFile=, tlsCertFile=, tlsKeyFile=), as QueryRec:Store:Redis.", Required = true };

    public Option<string> KeyPrefix { get; } = new("--key-prefix") { Description = "Prefix of every key.", DefaultValueFactory = _ => new RedisIndexOptions().KeyPrefix };

    public void AddTo(Command command, bool required = true)
    {
        Redis.Required = required;
        command.Options.Add(Redis);
        command.Options.Add(KeyPrefix);
    }
}

/// <summary>Opens the index admin for a --redis endpoint. The default connects a <see cref="RedisIndexStore"/>; tests swap in another store.</summary>
internal delegate Task<RedisAdmin> IndexAdminFactory(string redis, RedisIndexOptions options, TimeProvider time);

/// <summary>A connected index admin (the Redis store); disposing closes the connection it owns.</summary>
internal sealed class RedisAdmin : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owned;

    internal RedisAdmin(IIndexAdmin store, IAsyncDisposable? owned, RedisModelStore? models = null, RedisRealtimeStore? realtime = null)
    {
        Store = store;
        _owned = owned;
        Models = models;
        Realtime = realtime;
    }

    /// <summary>The real-time namespace (erasure), null when the admin is not backed by Redis.</summary>
    public RedisRealtimeStore? Realtime { get; }

    public IIndexAdmin Store { get; }

    /// <summary>The ranking models published on their own (null when the admin is not backed by Redis).</summary>
    public RedisModelStore? Models { get; }

    /// <summary>The model store, or a user error when this admin has none.</summary>
    public RedisModelStore RequireModels()
        => Models ?? throw new CliUserException("models published on their own need Redis (--redis); with the embedded store use build --model or QueryRec:Ranking:Model:Path.");

    /// <summary>The active version, or null when nothing is published.</summary>
    public async Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken)
        => (await Store.GetStatusAsync(cancellationToken)).ActiveVersion;

    public static RedisIndexOptions ValidateOptions(string keyPrefix, int retain, int? writeBatchSize = null, int? bucketBytes = null, int? compressionQuality = null)
    {
        var options = new RedisIndexOptions { KeyPrefix = keyPrefix, RetainVersions = retain };
        if (writeBatchSize is { } batch)
        {
            options.WriteBatchSize = batch;
        }

        if (bucketBytes is { } bucket)
        {
            options.BucketBytes = bucket;
        }

        if (compressionQuality is { } quality)
        {
            options.CompressionQuality = quality;
        }

        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var messages = results.Select(static r => $"{OptionName(r.MemberNames.FirstOrDefault())} is invalid: {r.ErrorMessage}");
            throw new CliUserException(string.Join(" ", messages));
        }

        return options;
    }

    public static async Task<RedisAdmin> ConnectAsync(string configuration, RedisIndexOptions options, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw new CliUserException("--redis is empty.");
        }

        ConfigurationOptions config;
        try
        {
            // The same string the server reads (QueryRec:Store:Redis): AUTH, TLS and our TLS file settings.
            config = RedisConnection.CreateOptions(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new CliUserException($"--redis '{RedisConnection.Redact(configuration)}' is invalid: {IndexerCli.FirstLine(ex.Message)}");
        }

        config.AbortOnConnectFail = true;
        var connection = await ConnectionMultiplexer.ConnectAsync(config);
        return new RedisAdmin(
            new RedisIndexStore(connection, options, time),
            connection,
            new RedisModelStore(connection, options.KeyPrefix, time),
            new RedisRealtimeStore(connection, options.KeyPrefix, new RealtimeOptions(), time));
    }

    public async ValueTask DisposeAsync()
    {
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }

    private static string OptionName(string? member) => member switch
    {
        nameof(RedisIndexOptions.KeyPrefix) => "--key-prefix",
        nameof(RedisIndexOptions.RetainVersions) => "--retain",
        nameof(RedisIndexOptions.WriteBatchSize) => "--batch-size",
        nameof(RedisIndexOptions.BucketBytes) => "--bucket-bytes",
        nameof(RedisIndexOptions.CompressionQuality) => "--compression-quality",
        _ => member ?? "an option",
    };
}
