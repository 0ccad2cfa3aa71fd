using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The ranking model published on its own (not carried by an index version): an active-model pointer and the
/// models it can point to. Read by servers each poll; the Redis implementation is <see cref="Redis.RedisModelStore"/>.
/// </summary>
public interface IRankingModelSource
{
    /// <summary>The id of the active model published on its own, or null when none is (never published, or cleared).</summary>
    Task<string?> GetActiveModelIdAsync(CancellationToken cancellationToken = default);

    /// <summary>The model stored under <paramref name="id"/>, or null when it is not retained.</summary>
    /// <exception cref="InvalidDataException">The stored package is corrupted (checksum).</exception>
    Task<RankingModelPackage?> GetModelAsync(string id, CancellationToken cancellationToken = default);
}

/// <summary>No model published on its own (the embedded store: an explicit file path plays that role).</summary>
public sealed class NoRankingModelSource : IRankingModelSource
{
    /// <summary>The shared instance.</summary>
    public static readonly NoRankingModelSource Instance = new();

    private NoRankingModelSource()
    {
    }

    /// <inheritdoc />
    public Task<string?> GetActiveModelIdAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

    /// <inheritdoc />
    public Task<RankingModelPackage?> GetModelAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult<RankingModelPackage?>(null);
}

/// <summary>Bounds, checksum and ids of <see cref="RankingModelPackage"/>.</summary>
public static class RankingModelPackages
{
    /// <summary>The largest ONNX model a package may carry: 64 MiB.</summary>
    public const int MaxOnnxBytes = 64 << 20;

    /// <summary>The largest model card: 1 MiB.</summary>
    public const int MaxCardBytes = 1 << 20;

    /// <summary>Creates a package, checking the bounds and computing the checksum.</summary>
    /// <exception cref="ArgumentException">The model or card is empty or too large.</exception>
    public static RankingModelPackage Create(string modelVersion, string schemaVersion, byte[] onnx, string cardJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelVersion);
        ArgumentNullException.ThrowIfNull(onnx);
        if (onnx.Length is 0 or > MaxOnnxBytes)
        {
            throw new ArgumentException($"The model has {onnx.Length} bytes; 1 to {MaxOnnxBytes} (64 MiB) are allowed.", nameof(onnx));
        }

        if (Encoding.UTF8.GetByteCount(cardJson) > MaxCardBytes)
        {
            throw new ArgumentException($"The model card is larger than {MaxCardBytes} bytes.", nameof(cardJson));
        }

        return new RankingModelPackage
        {
            ModelVersion = modelVersion,
            SchemaVersion = schemaVersion ?? string.Empty,
            Onnx = Google.Protobuf.ByteString.CopyFrom(onnx),
            CardJson = cardJson,
            OnnxChecksum = XxHash64.HashToUInt64(onnx),
        };
    }

    /// <summary>Checks the size and checksum of a package read back from storage.</summary>
    /// <exception cref="InvalidDataException">The package is empty, too large or corrupted.</exception>
    public static void Verify(RankingModelPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.Onnx.Length is 0 or > MaxOnnxBytes)
        {
            throw new InvalidDataException($"The ranking model package holds {package.Onnx.Length} ONNX bytes; 1 to {MaxOnnxBytes} are allowed.");
        }

        var actual = XxHash64.HashToUInt64(package.Onnx.Span);
        if (actual != package.OnnxChecksum)
        {
            throw new InvalidDataException($"The ranking model package {package.ModelVersion} is corrupted (checksum {actual:x16}, expected {package.OnnxChecksum:x16}).");
        }
    }

    /// <summary>
    /// The content-addressed id a model is stored under when published on its own: 16 hex digits of XxHash64 over
    /// the ONNX checksum and the card, so publishing the same model twice re-activates it.
    /// </summary>
    public static string IdOf(RankingModelPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        var hash = new XxHash64();
        Span<byte> checksum = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(checksum, package.OnnxChecksum);
        hash.Append(checksum);
        hash.Append(Encoding.UTF8.GetBytes(package.CardJson));
        return hash.GetCurrentHashAsUInt64().ToString("x16", CultureInfo.InvariantCulture);
    }
}
