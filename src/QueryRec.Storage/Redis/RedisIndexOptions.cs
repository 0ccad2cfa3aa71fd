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

    /// <summary>
    /// Target size of one packed bucket, in bytes of the records it holds before encoding (a larger record gets a
    /// bucket of its own). Larger buckets: less Redis memory per record, more bytes read and decompressed per
    /// near-cache miss. See docs/performance.md "Redis memory".
    /// </summary>
    [Range(256, 1 << 20)]
    public int BucketBytes { get; set; } = 16384;

    /// <summary>
    /// Brotli quality (0..11) of the packed buckets, text chunks and directory. Lower is faster to publish and takes more
    /// Redis memory; readers decompress any quality alike. See docs/performance.md "Publish rate".
    /// </summary>
    [Range(0, 11)]
    public int CompressionQuality { get; set; } = PackedLayout.DefaultQuality;

    /// <summary>Test hook: publish in the layout of format 1 (one key per record), as versions published before the packed layout.</summary>
    internal bool WriteUnpackedLayout { get; set; }
}
