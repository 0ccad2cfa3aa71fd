using System.Globalization;
using Google.Protobuf;
using QueryRec.Storage.V1;
using StackExchange.Redis;

namespace QueryRec.Storage.Redis;

/// <summary>
/// Reads of one version of the <see cref="RedisIndexStore"/>. The first read loads how the version is laid out: a
/// packed version's directory and text table (once per snapshot; <c>ActiveIndex</c> does it when it activates the
/// version), or nothing for a version published one key per record. A record then costs one GET (of its bucket, or of its key); several completion
/// nodes cost one pipelined GET per distinct bucket, in one round trip.
/// </summary>
internal sealed class RedisIndexSnapshot : IIndexSnapshot
{
    private readonly IDatabase _db;
    private readonly byte[] _ns;
    private Task<Layout>? _layout;

    public RedisIndexSnapshot(IDatabase db, string version, byte[] ns)
    {
        _ns = ns;
        _db = db;
        Version = version;
    }

    public string Version { get; }

    public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Prefix(normalizedPrefix), PrefixNode.Parser, cancellationToken);

    public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Completions(table, key), PrefixNode.Parser, cancellationToken);

    public async ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = await LayoutAsync(cancellationToken);
        var nodes = new PrefixNode?[keys.Count];
        if (layout.Directory is { } directory)
        {
            // One GET per distinct bucket, issued together (one round trip; no multi-key command, so cluster-safe).
            var relative = new string[keys.Count];
            var bucketOf = new int[keys.Count];
            var buckets = new Dictionary<int, Task<RedisValue>>();
            for (var i = 0; i < keys.Count; i++)
            {
                relative[i] = IndexKeys.Completions(table, keys[i]);
                var bucket = bucketOf[i] = directory.BucketOf(relative[i]);
                if (bucket >= 0 && !buckets.ContainsKey(bucket))
                {
                    buckets[bucket] = _db.StringGetAsync(RedisKeyspace.Bucket(_ns, bucket));
                }
            }

            await Task.WhenAll(buckets.Values).WithCancellation(cancellationToken);
            var raw = new Dictionary<int, byte[]>(buckets.Count);
            for (var i = 0; i < keys.Count; i++)
            {
                var bucket = bucketOf[i];
                if (bucket < 0)
                {
                    continue;
                }

                var what = What(bucket);
                if (!raw.TryGetValue(bucket, out var bytes))
                {
                    raw[bucket] = bytes = Decompress(buckets[bucket].Result, what);
                }

                var value = PackedLayout.FindInBucket(bytes, relative[i], layout.Texts, what);
                nodes[i] = value is null ? null : PrefixNode.Parser.ParseFrom(value);
            }

            return nodes;
        }

        // One GET per key, issued together: the multiplexer pipelines them into one round trip, and unlike
        // MGET they may live in different cluster slots.
        var pending = new Task<Lease<byte>?>[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            pending[i] = _db.StringGetLeaseAsync(RedisKeyspace.JoinBytes(_ns, IndexKeys.Completions(table, keys[i])));
        }

        try
        {
            await Task.WhenAll(pending).WithCancellation(cancellationToken);
            for (var i = 0; i < pending.Length; i++)
            {
                var lease = pending[i].Result;
                nodes[i] = lease is null ? null : PrefixNode.Parser.ParseFrom(lease.Span);
            }
        }
        finally
        {
            foreach (var task in pending)
            {
                if (task.IsCompletedSuccessfully)
                {
                    task.Result?.Dispose();
                }
            }
        }

        return nodes;
    }

    public ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Vocabulary(chunk), VocabularyChunk.Parser, cancellationToken);

    public ValueTask<NearDuplicateFolds?> GetNearDuplicateFoldsAsync(int chunk, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.NearDuplicateFolds(chunk), NearDuplicateFolds.Parser, cancellationToken);

    public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Query(normalizedQuery), QueryStats.Parser, cancellationToken);

    public ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Info, IndexInfo.Parser, cancellationToken);

    public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Related(normalizedQuery), RelatedQueries.Parser, cancellationToken);

    public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Refinements(normalizedQuery), RelatedQueries.Parser, cancellationToken);

    public ValueTask<RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.DiscoveryRelated(normalizedQuery), RelatedQueries.Parser, cancellationToken);

    public ValueTask<QueryCorrection?> GetCorrectionAsync(string normalizedQuery, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Correction(normalizedQuery), QueryCorrection.Parser, cancellationToken);

    public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Item(itemId), ItemQueries.Parser, cancellationToken);

    public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Hot(category), RankedQueries.Parser, cancellationToken);

    public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Trending(category), RankedQueries.Parser, cancellationToken);

    public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Pins, PinList.Parser, cancellationToken);

    public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default)
        => GetAsync(IndexKeys.Model, RankingModelPackage.Parser, cancellationToken);

    private async ValueTask<T?> GetAsync<T>(string relativeKey, MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        cancellationToken.ThrowIfCancellationRequested();
        var layout = await LayoutAsync(cancellationToken);
        if (layout.Directory is { } directory)
        {
            var bucket = directory.BucketOf(relativeKey);
            if (bucket < 0)
            {
                return null;
            }

            var stored = await _db.StringGetAsync(RedisKeyspace.Bucket(_ns, bucket)).WithCancellation(cancellationToken);
            var what = What(bucket);
            var value = PackedLayout.FindInBucket(Decompress(stored, what), relativeKey, layout.Texts, what);
            return value is null ? null : parser.ParseFrom(value);
        }

        using var lease = await _db.StringGetLeaseAsync(RedisKeyspace.JoinBytes(_ns, relativeKey)).WithCancellation(cancellationToken);
        return lease is null ? null : parser.ParseFrom(lease.Span);
    }

    private static byte[] Decompress(RedisValue stored, string what)
        => stored.IsNull
            ? throw new InvalidDataException($"{what} is missing.")
            : PackedLayout.Decompress((byte[])stored!, what);

    private string What(int bucket) => $"Index {Version}: bucket {bucket.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The version's layout, loaded once; a failed load is retried by the next read.</summary>
    private ValueTask<Layout> LayoutAsync(CancellationToken cancellationToken)
    {
        var task = _layout;
        if (task is { IsCompletedSuccessfully: true })
        {
            return new ValueTask<Layout>(task.Result);
        }

        if (task is null || task.IsFaulted || task.IsCanceled)
        {
            task = LoadLayoutAsync();
            Interlocked.Exchange(ref _layout, task);
        }

        return new ValueTask<Layout>(task.WithCancellation(cancellationToken));
    }

    private async Task<Layout> LoadLayoutAsync()
    {
        var directory = await PackedVersionReader.ReadDirectoryAsync(_db, _ns, Version, CancellationToken.None);
        return directory is null
            ? new Layout(null, [])
            : new Layout(directory, await PackedVersionReader.ReadTextsAsync(_db, _ns, Version, directory, CancellationToken.None));
    }

    /// <summary>A packed version's directory and text table; no directory for a version of one key per record.</summary>
    private sealed record Layout(PackedDirectory? Directory, IReadOnlyList<byte[]> Texts);
}
