using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// A complete index version, ready to publish or to write as an embedded index file: a manifest and
/// the records sorted by key (ordinal). Immutable once created.
/// </summary>
public sealed class IndexBuild
{
    /// <summary>The storage format this code writes and reads.</summary>
    public const int FormatVersion = 1;

    private IndexBuild(IndexManifest manifest, IReadOnlyList<IndexRecord> records)
    {
        Manifest = manifest;
        Records = records;
    }

    /// <summary>The manifest: version, counts per kind and checksum.</summary>
    public IndexManifest Manifest { get; }

    /// <summary>The records, sorted by key (ordinal), keys unique.</summary>
    public IReadOnlyList<IndexRecord> Records { get; }

    /// <summary>The version id.</summary>
    public string Version => Manifest.Version;

    /// <summary>
    /// Creates a build from records. Sorts them, rejects duplicate keys, counts them per kind and computes
    /// the checksum.
    /// </summary>
    public static IndexBuild Create(string version, DateTimeOffset createdAt, string description, IEnumerable<IndexRecord> records)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        return Create(_ => version, createdAt, description, records);
    }

    /// <summary>
    /// Creates a build whose version is derived from its content checksum (e.g. <see cref="MakeVersionId"/>), sorting
    /// and hashing the records once.
    /// </summary>
    public static IndexBuild Create(Func<ulong, string> versionOfChecksum, DateTimeOffset createdAt, string description, IEnumerable<IndexRecord> records)
    {
        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var manifest = new IndexManifest
        {
            FormatVersion = FormatVersion,
            CreatedUnixMs = createdAt.ToUnixTimeMilliseconds(),
            Description = description ?? string.Empty,
            TotalRecords = sorted.Length,
        };
        for (var i = 0; i < sorted.Length; i++)
        {
            if (string.IsNullOrEmpty(sorted[i].Key))
            {
                throw new ArgumentException("An index record has an empty key.", nameof(records));
            }

            if (i > 0 && string.Equals(sorted[i - 1].Key, sorted[i].Key, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Duplicate index key '{sorted[i].Key}'.", nameof(records));
            }

            var kind = IndexKeys.KindOf(sorted[i].Key);
            manifest.RecordCounts[kind] = manifest.RecordCounts.TryGetValue(kind, out var n) ? n + 1 : 1;
        }

        manifest.Checksum = ComputeChecksum(sorted);
        manifest.Version = versionOfChecksum(manifest.Checksum);
        ValidateVersion(manifest.Version);
        return new IndexBuild(manifest, sorted);
    }

    /// <summary>
    /// Re-creates a build from a manifest and records read back from storage, verifying the format,
    /// the counts and the checksum.
    /// </summary>
    /// <exception cref="InvalidDataException">The records do not match the manifest.</exception>
    public static IndexBuild FromStored(IndexManifest manifest, IEnumerable<IndexRecord> records)
    {
        if (manifest.FormatVersion != FormatVersion)
        {
            throw new InvalidDataException($"Index format {manifest.FormatVersion} is not supported (this build reads {FormatVersion}).");
        }

        var rebuilt = Create(manifest.Version, DateTimeOffset.FromUnixTimeMilliseconds(manifest.CreatedUnixMs), manifest.Description, records);
        Verify(manifest, rebuilt.Manifest);
        return new IndexBuild(manifest, rebuilt.Records);
    }

    /// <summary>Checks that <paramref name="actual"/> (recomputed from data) matches <paramref name="expected"/>.</summary>
    /// <exception cref="InvalidDataException">Counts or checksum differ.</exception>
    public static void Verify(IndexManifest expected, IndexManifest actual)
    {
        if (expected.TotalRecords != actual.TotalRecords)
        {
            throw new InvalidDataException($"Index {expected.Version}: expected {expected.TotalRecords} records, found {actual.TotalRecords}.");
        }

        foreach (var (kind, count) in expected.RecordCounts)
        {
            if (!actual.RecordCounts.TryGetValue(kind, out var found) || found != count)
            {
                throw new InvalidDataException($"Index {expected.Version}: expected {count} '{kind}' records, found {found}.");
            }
        }

        if (expected.Checksum != actual.Checksum)
        {
            throw new InvalidDataException($"Index {expected.Version}: checksum mismatch (expected {expected.Checksum:x16}, found {actual.Checksum:x16}).");
        }
    }

    /// <summary>
    /// XxHash64 over every record in key order: for each record, the key's UTF-8 length (4 bytes, little
    /// endian), the key's UTF-8 bytes, the value's length (4 bytes, little endian) and the value.
    /// </summary>
    public static ulong ComputeChecksum(IReadOnlyList<IndexRecord> sortedRecords)
    {
        var hash = new XxHash64();
        foreach (var record in sortedRecords)
        {
            AppendToChecksum(hash, Encoding.UTF8.GetBytes(record.Key), record.Value);
        }

        return hash.GetCurrentHashAsUInt64();
    }

    /// <summary>Appends one record to a running <see cref="ComputeChecksum"/> (records must come in key order).</summary>
    internal static void AppendToChecksum(XxHash64 hash, ReadOnlySpan<byte> keyUtf8, ReadOnlySpan<byte> value)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, keyUtf8.Length);
        hash.Append(length);
        hash.Append(keyUtf8);
        BinaryPrimitives.WriteInt32LittleEndian(length, value.Length);
        hash.Append(length);
        hash.Append(value);
    }

    /// <summary>A version id is 1 to 64 characters of [A-Za-z0-9._-].</summary>
    public static void ValidateVersion(string version)
    {
        if (version.Length is 0 or > 64 || !version.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new ArgumentException($"Invalid index version '{version}': use 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'.", nameof(version));
        }
    }

    /// <summary>Makes a sortable, content-addressed version id: <c>yyyyMMddTHHmmssZ-xxxxxxxx</c>.</summary>
    public static string MakeVersionId(DateTimeOffset createdAt, ulong contentChecksum)
        => $"{createdAt.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{contentChecksum & 0xFFFFFFFF:x8}";
}
