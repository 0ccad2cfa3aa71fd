using System.Globalization;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Reads of a packed version (<see cref="PackedLayout"/>) that go beyond one record: its directory, its whole text table,
/// and all of its records for an export.
/// </summary>
internal static class PackedVersionReader
{
    /// <summary>
    /// Reads a packed version back whole: the directory, the text table, then every bucket (<paramref name="batchSize"/>
    /// pipelined GETs at a time), checking that each bucket starts with the key the directory names, holds as many
    /// records as it says, and that keys ascend across buckets (what the readers' directory lookup relies on). The
    /// caller checks counts and checksum against the manifest.
    /// </summary>
    public static async Task<List<IndexRecord>> ReadRecordsAsync(IDatabase db, byte[] ns, string version, int batchSize, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var directory = await ReadDirectoryAsync(db, ns, version, cancellationToken)
            ?? throw new InvalidDataException($"Index {version}: the bucket directory is missing.");
        var texts = await ReadTextsAsync(db, ns, version, directory, cancellationToken);
        var total = directory.TotalRecords;
        var records = new List<IndexRecord>((int)Math.Min(total, 1 << 24));
        string? previous = null;
        progress?.Report(new PublishProgress("validate", 0, total));
        for (var start = 0; start < directory.BucketCount; start += batchSize)
        {
            var count = Math.Min(batchSize, directory.BucketCount - start);
            var reads = new Task<RedisValue>[count];
            for (var j = 0; j < count; j++)
            {
                reads[j] = db.StringGetAsync(RedisKeyspace.Bucket(ns, start + j));
            }

            await Task.WhenAll(reads).WithCancellation(cancellationToken);
            for (var j = 0; j < count; j++)
            {
                var bucket = start + j;
                var what = $"Index {version}: bucket {bucket.ToString(CultureInfo.InvariantCulture)}";
                var stored = (byte[]?)reads[j].Result ?? throw new InvalidDataException($"{what} is missing.");
                var bucketRecords = PackedLayout.ReadBucket(PackedLayout.Decompress(stored, what), texts, what);
                if (bucketRecords.Count != directory.RecordsIn(bucket) || bucketRecords[0].Key != directory.FirstKey(bucket))
                {
                    throw new InvalidDataException($"{what} does not match the directory.");
                }

                foreach (var record in bucketRecords)
                {
                    if (previous is not null && string.CompareOrdinal(previous, record.Key) >= 0)
                    {
                        throw new InvalidDataException($"{what}: key '{record.Key}' is out of order.");
                    }

                    previous = record.Key;
                    records.Add(record);
                }
            }

            progress?.Report(new PublishProgress("validate", records.Count, total));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return records;
    }

    /// <summary>The directory of a packed version, or null when the version has none (one key per record, or absent).</summary>
    public static async Task<PackedDirectory?> ReadDirectoryAsync(IDatabase db, byte[] ns, string version, CancellationToken cancellationToken)
    {
        var stored = (byte[]?)await db.StringGetAsync(RedisKeyspace.Directory(ns)).WithCancellation(cancellationToken);
        return stored is null ? null : PackedLayout.ReadDirectory(stored, version);
    }

    /// <summary>The whole text table of a packed version (chunks read pipelined).</summary>
    public static async Task<List<byte[]>> ReadTextsAsync(IDatabase db, byte[] ns, string version, PackedDirectory directory, CancellationToken cancellationToken)
    {
        var reads = new Task<RedisValue>[directory.TextChunkCount];
        for (var i = 0; i < reads.Length; i++)
        {
            reads[i] = db.StringGetAsync(RedisKeyspace.Texts(ns, i));
        }

        await Task.WhenAll(reads).WithCancellation(cancellationToken);
        var texts = new List<byte[]>(directory.TextCount);
        for (var i = 0; i < reads.Length; i++)
        {
            var what = $"Index {version}: text chunk {i.ToString(CultureInfo.InvariantCulture)}";
            var stored = (byte[]?)reads[i].Result ?? throw new InvalidDataException($"{what} is missing.");
            PackedLayout.ReadTextChunk(PackedLayout.Decompress(stored, what), directory.TextsIn(i), texts, what);
        }

        return texts;
    }
}
