using StackExchange.Redis;
using QueryRec.Storage.V1;

namespace QueryRec.Storage.Redis;

/// <summary>The Redis index store. PLACEHOLDER: being implemented on the redis branch.</summary>
public sealed class RedisIndexStore : IIndexStore, IIndexAdmin
{
    /// <summary>Creates a store over a shared multiplexer.</summary>
    public RedisIndexStore(IConnectionMultiplexer redis, RedisIndexOptions options, TimeProvider? timeProvider = null)
    {
        _ = redis;
        _ = options;
        _ = timeProvider;
    }

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public IIndexSnapshot OpenSnapshot(string version) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<PublishResult> PublishAsync(IndexBuild build, IProgress<PublishProgress>? progress = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<string> RollbackAsync(string? toVersion = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<IndexStatus> GetStatusAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task<IndexBuild> ReadBuildAsync(string version, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    internal static PrefixNode? Unused() => null;
}
