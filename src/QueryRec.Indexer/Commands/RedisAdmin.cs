using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using QueryRec.Storage.Redis;
using StackExchange.Redis;

namespace QueryRec.Indexer.Commands;

/// <summary>The Redis connection options shared by publish, status, rollback and export.</summary>
internal sealed class RedisAdminOptions
{
    public Option<string> Redis { get; } = new("--redis") { Description = "Redis endpoint, HOST:PORT or a StackExchange.Redis configuration string.", Required = true };

    public Option<string> KeyPrefix { get; } = new("--key-prefix") { Description = "Prefix of every key.", DefaultValueFactory = _ => new RedisIndexOptions().KeyPrefix };

    public void AddTo(Command command, bool required = true)
    {
        Redis.Required = required;
        command.Options.Add(Redis);
        command.Options.Add(KeyPrefix);
    }
}

/// <summary>A connected Redis index store; disposing closes the connection.</summary>
internal sealed class RedisAdmin : IAsyncDisposable
{
    private readonly IConnectionMultiplexer _connection;

    private RedisAdmin(IConnectionMultiplexer connection, RedisIndexStore store)
    {
        _connection = connection;
        Store = store;
    }

    public RedisIndexStore Store { get; }

    public static RedisIndexOptions ValidateOptions(string keyPrefix, int retain)
    {
        var options = new RedisIndexOptions { KeyPrefix = keyPrefix, RetainVersions = retain };
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
            config = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException ex)
        {
            throw new CliUserException($"--redis '{configuration}' is invalid: {IndexerCli.FirstLine(ex.Message)}");
        }

        config.AbortOnConnectFail = true;
        var connection = await ConnectionMultiplexer.ConnectAsync(config);
        return new RedisAdmin(connection, new RedisIndexStore(connection, options, time));
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private static string OptionName(string? member) => member switch
    {
        nameof(RedisIndexOptions.KeyPrefix) => "--key-prefix",
        nameof(RedisIndexOptions.RetainVersions) => "--retain",
        _ => member ?? "an option",
    };
}
