using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
namespace QueryRec.Serving.Index;

/// <summary>Where the index comes from. Section <c>QueryRec:Store</c>.</summary>
public sealed class StoreOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Store";

    /// <summary>
    /// A StackExchange.Redis configuration string (e.g. "127.0.0.1:6379" or several cluster nodes), with AUTH
    /// (<c>password=</c>, <c>user=</c>) and TLS (<c>ssl=true</c>, <c>sslHost=</c>, and our <c>tlsCaFile=</c>,
    /// <c>tlsCertFile=</c>, <c>tlsKeyFile=</c>: see <see cref="QueryRec.Storage.Redis.RedisConnection.CreateOptions"/>).
    /// Empty means the embedded in-process store, loaded from <see cref="IndexPath"/>.
    /// </summary>
    [MaxLength(2048)]
    public string? Redis { get; set; }

    /// <summary>True when a Redis store is configured; otherwise the embedded store serves <see cref="IndexPath"/>.</summary>
    [MemberNotNullWhen(true, nameof(Redis))]
    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>Prefix of every Redis key; must match the indexer's <c>--key-prefix</c>.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,32}$")]
    public string KeyPrefix { get; set; } = "qr:";

    /// <summary>The embedded index file (<c>.qrx</c>) to serve when no Redis is configured. Reloaded when it changes.</summary>
    [MaxLength(4096)]
    public string? IndexPath { get; set; }

    /// <summary>How often the active version is polled (pub/sub announcements act sooner).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Longest prefix, in characters (runes), for which the index holds a node, used only for an index that
    /// does not say (indexes built by <c>QueryRec.Indexer build</c> record their own <c>--max-prefix-length</c>).
    /// </summary>
    [Range(1, 256)]
    public int MaxIndexedPrefixLength { get; set; } = 32;
}

/// <summary>Source-generated DataAnnotations validation of <see cref="StoreOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>;

/// <summary>Cross-field rules of <see cref="StoreOptions"/>.</summary>
internal sealed class StoreOptionsRules : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        if (!options.UsesRedis && !string.IsNullOrWhiteSpace(options.IndexPath) && !File.Exists(options.IndexPath))
        {
            return ValidateOptionsResult.Fail($"{StoreOptions.Section}:IndexPath '{options.IndexPath}' does not exist. Build one with 'QueryRec.Indexer build', or configure {StoreOptions.Section}:Redis.");
        }

        if (options.UsesRedis)
        {
            try
            {
                _ = QueryRec.Storage.Redis.RedisConnection.CreateOptions(options.Redis);
            }
            catch (ArgumentException ex)
            {
                // The message never holds the password; the configuration string is redacted.
                return ValidateOptionsResult.Fail($"{StoreOptions.Section}:Redis '{QueryRec.Storage.Redis.RedisConnection.Redact(options.Redis)}' is invalid: {ex.Message}");
            }
        }

        return ValidateOptionsResult.Success;
    }
}
