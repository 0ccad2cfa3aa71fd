using System.Text;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Deletes index versions: those beyond the retention count after a publish, and the leftovers of an unfinished publish
/// before a version is written again. Every key of a version is found through its directory, its reservation or its
/// catalog, never by SCAN.
/// </summary>
internal sealed class RedisVersionCleaner(RedisKeyspace keyspace, RedisIndexOptions options)
{
    /// <summary>Unregisters and deletes the oldest versions beyond <see cref="RedisIndexOptions.RetainVersions"/>, never <paramref name="activeVersion"/>.</summary>
    public async Task<List<string>> ApplyRetentionAsync(IDatabase db, string activeVersion)
    {
        var deleted = new List<string>();
        var versions = await db.SortedSetRangeByRankAsync(keyspace.Versions, 0, -1, Order.Ascending);
        var excess = versions.Length - options.RetainVersions;
        for (var i = 0; i < versions.Length && excess > 0; i++)
        {
            var version = versions[i].ToString();
            if (version == activeVersion)
            {
                continue;
            }

            // Unregister first (refused if it became active meanwhile), so no rollback can reach a half-deleted version.
            if (await RedisPointerScripts.UnregisterAsync(db, keyspace.Active, keyspace.Versions, [keyspace.Published], version))
            {
                await DeleteVersionKeysAsync(db, keyspace.VersionNamespace(version), CancellationToken.None);
                deleted.Add(version);
                excess--;
            }
        }

        return deleted;
    }

    /// <summary>
    /// Deletes every key of a version namespace found through its directory (packed) or its catalog (one key per
    /// record), then the directory or catalog and the manifest.
    /// </summary>
    public async Task DeleteVersionKeysAsync(IDatabase db, byte[] ns, CancellationToken cancellationToken)
    {
        var own = new List<RedisKey> { RedisKeyspace.Manifest(ns) };
        var directoryBytes = (byte[]?)await db.StringGetAsync(RedisKeyspace.Directory(ns)).WithCancellation(cancellationToken);
        if (directoryBytes is not null)
        {
            var directory = PackedLayout.ReadDirectory(directoryBytes, Encoding.UTF8.GetString(ns));
            await UnlinkAsync(db, Enumerable.Range(0, directory.TextChunkCount).Select(i => RedisKeyspace.Texts(ns, i)), cancellationToken);
            await UnlinkAsync(db, Enumerable.Range(0, directory.BucketCount).Select(i => RedisKeyspace.Bucket(ns, i)), cancellationToken);
            own.Add(RedisKeyspace.Directory(ns));
        }

        // A publish that stopped before its directory: the reservation names how many buckets and text chunks it may have written.
        var reserved = (string?)await db.StringGetAsync(RedisKeyspace.Reservation(ns)).WithCancellation(cancellationToken);
        if (reserved is not null && PackedReservation.TryParse(reserved, out var buckets, out var chunks))
        {
            await UnlinkAsync(db, Enumerable.Range(0, chunks).Select(i => RedisKeyspace.Texts(ns, i)), cancellationToken);
            await UnlinkAsync(db, Enumerable.Range(0, buckets).Select(i => RedisKeyspace.Bucket(ns, i)), cancellationToken);
        }

        own.Add(RedisKeyspace.Reservation(ns));

        for (var i = 0; ; i++)
        {
            var chunkKey = RedisKeyspace.Catalog(ns, i);
            var bytes = (byte[]?)await db.StringGetAsync(chunkKey).WithCancellation(cancellationToken);
            if (bytes is null)
            {
                break;
            }

            own.Add(chunkKey);
            var chunk = KeyCatalogChunk.Parser.ParseFrom(bytes);
            await UnlinkAsync(db, chunk.Keys.Select(k => RedisKeyspace.Join(ns, k)), cancellationToken);
        }

        await UnlinkAsync(db, own, cancellationToken);
    }

    /// <summary>UNLINKs keys one per command (they live in different slots), keeping a batch in flight.</summary>
    private async Task UnlinkAsync(IDatabase db, IEnumerable<RedisKey> keys, CancellationToken cancellationToken)
    {
        var batch = new List<Task>();
        foreach (var key in keys)
        {
            batch.Add(db.ExecuteAsync("UNLINK", key));
            if (batch.Count == options.WriteBatchSize)
            {
                await Task.WhenAll(batch).WithCancellation(cancellationToken);
                batch.Clear();
            }
        }

        await Task.WhenAll(batch).WithCancellation(cancellationToken);
    }
}
