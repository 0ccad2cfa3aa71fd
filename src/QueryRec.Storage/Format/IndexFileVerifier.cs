using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Unicode;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The checks of <see cref="IndexFileReader"/> as the records go by: each key non-empty, valid UTF-8 and after the
/// previous one (ordinal); the counts per kind and the checksum, compared with the manifest after the last record.
/// Only the previous key and the current kind are kept, so memory does not depend on the file's size.
/// </summary>
/// <param name="error">Makes the exception that reports a problem of the file (the reader names the file and notes that it is invalid).</param>
internal sealed class IndexFileVerifier(Func<string, InvalidDataException> error)
{
    private readonly XxHash64 _hash = new();
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly List<string> _kindOrder = []; // kinds in key order, as IndexBuild.Create counts them
    private byte[] _previousKey = new byte[256];
    private int _previousKeyLength = -1;
    private byte[] _kind = new byte[16];
    private int _kindLength = -1;
    private long _kindCount;

    /// <summary>The last record's kind (the part of its key before the first ':').</summary>
    public string KindName { get; private set; } = string.Empty;

    /// <summary>Checks order and UTF-8 of the key, counts its kind and adds the record to the checksum.</summary>
    public void Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long index)
    {
        if (key.Length == 0)
        {
            throw error($"is corrupted (record {N(index)} has an empty key)");
        }

        if (!Utf8.IsValid(key))
        {
            throw error($"is corrupted (record {N(index)}: the key is not valid UTF-8)");
        }

        if (_previousKeyLength >= 0 && IndexFileReader.CompareOrdinal(_previousKey.AsSpan(0, _previousKeyLength), key) >= 0)
        {
            throw error($"is corrupted (record {N(index)}: key '{Encoding.UTF8.GetString(key)}' does not sort after '{Encoding.UTF8.GetString(_previousKey, 0, _previousKeyLength)}')");
        }

        if (_previousKey.Length < key.Length)
        {
            _previousKey = new byte[Math.Max(key.Length, _previousKey.Length * 2)];
        }

        key.CopyTo(_previousKey);
        _previousKeyLength = key.Length;

        var colon = key.IndexOf((byte)':');
        var kind = colon < 0 ? key : key[..colon];
        if (_kindLength < 0 || !kind.SequenceEqual(_kind.AsSpan(0, _kindLength)))
        {
            FlushKindCount();
            if (_kind.Length < kind.Length)
            {
                _kind = new byte[kind.Length * 2];
            }

            kind.CopyTo(_kind);
            _kindLength = kind.Length;
            KindName = Encoding.UTF8.GetString(kind);
        }

        _kindCount++;

        IndexBuild.AppendToChecksum(_hash, key, value);
    }

    /// <summary>After the last record: the kinds, counts and checksum must match <paramref name="manifest"/>.</summary>
    public void Complete(IndexManifest manifest, long recordsRead)
    {
        FlushKindCount();
        var actual = new IndexManifest { Version = manifest.Version, TotalRecords = recordsRead, Checksum = _hash.GetCurrentHashAsUInt64() };
        foreach (var (kind, count) in _counts)
        {
            actual.RecordCounts[kind] = count;
        }

        foreach (var (kind, _) in _counts)
        {
            if (!manifest.RecordCounts.ContainsKey(kind))
            {
                throw error($"holds '{kind}' records its manifest does not declare");
            }
        }

        try
        {
            IndexBuild.Verify(manifest, actual);
        }
        catch (InvalidDataException ex)
        {
            throw error("does not match its manifest: " + ex.Message);
        }
    }

    /// <summary>After the last record: the checksum and the counts per kind, the kinds in key order.</summary>
    public (ulong Checksum, List<KeyValuePair<string, long>> Counts) Totals()
    {
        FlushKindCount();
        return (_hash.GetCurrentHashAsUInt64(), [.. _kindOrder.Select(k => KeyValuePair.Create(k, _counts[k]))]);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Adds the current run of records of one kind to that kind's count.</summary>
    private void FlushKindCount()
    {
        if (_kindCount > 0)
        {
            if (!_counts.ContainsKey(KindName))
            {
                _kindOrder.Add(KindName);
            }

            _counts[KindName] = _counts.GetValueOrDefault(KindName) + _kindCount;
            _kindCount = 0;
        }
    }
}
