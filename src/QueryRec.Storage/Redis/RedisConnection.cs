using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>Opens the one shared <see cref="IConnectionMultiplexer"/> of a process.</summary>
public static class RedisConnection
{
    /// <summary>The client name shown by <c>CLIENT LIST</c> unless the configuration sets one.</summary>
    public const string DefaultClientName = "queryrec";

    /// <summary>
    /// Connects with resilient defaults: the connection is retried in the background instead of failing
    /// start-up (<c>abortConnect=false</c>), 5 s connect and command timeouts, client name "queryrec", and no key
    /// names in exception messages (they are logged; real-time keys hold user ids).
    /// Settings in <paramref name="configuration"/> (e.g. <c>"host:6379,password=..."</c>) are kept, except
    /// that abortConnect and includeDetailInExceptions are always false.
    /// </summary>
    public static async Task<IConnectionMultiplexer> ConnectAsync(string configuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        var options = CreateOptions(configuration);
        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken);
    }

    /// <summary>The options <see cref="ConnectAsync"/> uses.</summary>
    public static ConfigurationOptions CreateOptions(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        if (!Sets(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = 5000;
        }

        if (!Sets(configuration, "syncTimeout"))
        {
            options.SyncTimeout = 5000;
        }

        if (!Sets(configuration, "asyncTimeout"))
        {
            options.AsyncTimeout = 5000;
        }

        options.ConnectRetry = Math.Max(options.ConnectRetry, 3);
        options.KeepAlive = options.KeepAlive > 0 ? options.KeepAlive : 30;
        options.ClientName ??= DefaultClientName;

        // Exception messages (which get logged) never name keys: real-time keys hold user and device ids.
        options.IncludeDetailInExceptions = false;
        return options;
    }

    private static bool Sets(string configuration, string setting)
        => configuration.Contains(setting + "=", StringComparison.OrdinalIgnoreCase);
}
