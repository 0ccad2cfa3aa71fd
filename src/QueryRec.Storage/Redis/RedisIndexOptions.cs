using System.ComponentModel.DataAnnotations;

namespace QueryRec.Storage.Redis;

/// <summary>Options of the Redis index store.</summary>
public sealed class RedisIndexOptions
{
    /// <summary>Prefix of every key the store writes, e.g. "qr:". Lets several deployments share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,32}$")]
    public string KeyPrefix { get; set; } = "qr:";

    /// <summary>How many published versions are kept (the active one included) for rollback.</summary>
    [Range(1, 100)]
    public int RetainVersions { get; set; } = 3;

    /// <summary>How many writes a publish keeps in flight (pipelining).</summary>
    [Range(1, 100_000)]
    public int WriteBatchSize { get; set; } = 1000;

    /// <summary>How many keys one key-catalog chunk lists.</summary>
    [Range(16, 100_000)]
    public int CatalogChunkSize { get; set; } = 2000;
}
