using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// The keyed hash (HMAC-SHA256, first 16 bytes as hex) that stands for a caller in the training feature log: rows of
/// one caller stay linkable, but without the key nobody can tell whose they are, so erasing a person needs no rewrite
/// of the log. The key is <see cref="FeatureLogOptions.SubjectKey"/>; without one, a random key per process (rows of
/// two processes are then never linked).
/// </summary>
public sealed class SubjectHasher
{
    private readonly byte[] _key;

    /// <summary>Creates a hasher with the configured key, or a random one when none is set.</summary>
    public SubjectHasher(IOptions<FeatureLogOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = options.Value.SubjectKey;
        _key = string.IsNullOrEmpty(key) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(key);
    }

    /// <summary>The hash of the caller's subject (the user when known, else the device); empty when anonymous.</summary>
    public string Of(string? userId, string? deviceId)
        => RealtimeSubject.Of(userId, deviceId) is { } subject
            ? Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(subject)).AsSpan(0, 16))
            : string.Empty;
}

/// <summary>The training feature log's privacy settings. Section <c>QueryRec:Ranking:FeatureLog</c>.</summary>
public sealed class FeatureLogOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "QueryRec:Ranking:FeatureLog";

    /// <summary>
    /// The secret key of the caller hashes in the feature log (from a secret store). Empty: a random key per process.
    /// </summary>
    public string SubjectKey { get; set; } = string.Empty;
}
