using System.Globalization;
using Google.Protobuf;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// The layout of versions published one key per record (<c>{ns}{K}</c>) with a key catalog (<c>{ns}catalog:{i}</c>),
/// as before the <see cref="PackedLayout"/>: such versions are still read, and <see cref="RedisIndexOptions.WriteUnpackedLayout"/>
/// still writes one.
/// </summary>
internal sealed class UnpackedLayout(RedisIndexOptions options)
{
    /// <summary>Writes the key catalog of <paramref name="records"/>; returns the number of chunks.</summary>
    public async Task<int> WriteCatalogAsync(IDatabase db, byte[] ns, IReadOnlyList<IndexRecord> records, CancellationToken cancellationToken)
    {
        var size = options.CatalogChunkSize;
        var chunks = (records.Count + size - 1) / size;
        var writes = new Task[chunks];
        for (var i = 0; i < chunks; i++)
        {
            var chunk = new KeyCatalogChunk();
            for (var j = i * size; j < Math.Min(records.Count, (i + 1) * size); j++)
            {
                chunk.Keys.Add(records[j].Key);
            }

            writes[i] = db.StringSetAsync(RedisKeyspace.Catalog(ns, i), chunk.ToByteArray());
        }

        await Task.WhenAll(writes).WithCancellation(cancellationToken);
        return chunks;
    }

    /// <summary>Writes one key per record, in batches of <see cref="RedisIndexOptions.WriteBatchSize"/> awaited one at a time.</summary>
    public async Task WriteRecordsAsync(IDatabase db, byte[] ns, IReadOnlyList<IndexRecord> records, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var batch = new List<Task>(Math.Min(options.WriteBatchSize, records.Count));
        long done = 0;
        progress?.Report(new PublishProgress("write", 0, records.Count));
        foreach (var record in records)
        {
            batch.Add(db.StringSetAsync(RedisKeyspace.Join(ns, record.Key), record.Value));
            if (batch.Count == options.WriteBatchSize)
            {
                done = await FlushAsync(batch, done);
            }
        }

        if (batch.Count > 0)
        {
            await FlushAsync(batch, done);
        }

        async Task<long> FlushAsync(List<Task> pending, long before)
        {
            await Task.WhenAll(pending).WithCancellation(cancellationToken);
            var after = before + pending.Count;
            pending.Clear();
            progress?.Report(new PublishProgress("write", after, records.Count));
            cancellationToken.ThrowIfCancellationRequested();
            return after;
        }
    }

    /// <summary>Reads every record of a version through its catalog of <paramref name="catalogChunks"/> chunks.</summary>
    public async Task<List<IndexRecord>> ReadRecordsAsync(IDatabase db, byte[] ns, string version, int catalogChunks, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var keys = await ReadCatalogAsync(db, ns, catalogChunks, cancellationToken);
        return await ReadKeysAsync(db, ns, version, keys, progress, cancellationToken);
    }

    private static async Task<List<string>> ReadCatalogAsync(IDatabase db, byte[] ns, int chunks, CancellationToken cancellationToken)
    {
        var reads = new Task<RedisValue>[chunks];
        for (var i = 0; i < chunks; i++)
        {
            reads[i] = db.StringGetAsync(RedisKeyspace.Catalog(ns, i));
        }

        await Task.WhenAll(reads).WithCancellation(cancellationToken);
        var keys = new List<string>();
        for (var i = 0; i < chunks; i++)
        {
            var bytes = (byte[]?)reads[i].Result
                ?? throw new InvalidDataException($"Key catalog chunk {i.ToString(CultureInfo.InvariantCulture)} is missing.");
            keys.AddRange(KeyCatalogChunk.Parser.ParseFrom(bytes).Keys);
        }

        return keys;
    }

    private async Task<List<IndexRecord>> ReadKeysAsync(IDatabase db, byte[] ns, string version, List<string> keys, IProgress<PublishProgress>? progress, CancellationToken cancellationToken)
    {
        var records = new List<IndexRecord>(keys.Count);
        var batchSize = options.WriteBatchSize;
        var reads = new Task<RedisValue>[Math.Min(batchSize, keys.Count)];
        progress?.Report(new PublishProgress("validate", 0, keys.Count));
        for (var start = 0; start < keys.Count; start += batchSize)
        {
            var count = Math.Min(batchSize, keys.Count - start);
            for (var i = 0; i < count; i++)
            {
                reads[i] = db.StringGetAsync(RedisKeyspace.Join(ns, keys[start + i]));
            }

            await Task.WhenAll(reads.AsSpan(0, count)).WithCancellation(cancellationToken);
            for (var i = 0; i < count; i++)
            {
                var bytes = (byte[]?)reads[i].Result
                    ?? throw new InvalidDataException($"Index {version}: key '{keys[start + i]}' is missing.");
                records.Add(new IndexRecord(keys[start + i], bytes));
            }

            progress?.Report(new PublishProgress("validate", start + count, keys.Count));
            cancellationToken.ThrowIfCancellationRequested();
        }

        return records;
    }
}
