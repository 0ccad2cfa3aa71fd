using QueryRec.Serving.Telemetry;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// The Redis index store as the server reads it: every read goes through the near-cache (<see cref="NearCache"/>,
/// keyed by version and key) and, on a miss, through the resilience pipeline (<see cref="StoreResilience"/>: timeout
/// and circuit breaker). A failed read throws, so that what reads it (a recall source, a rerank step) is dropped with
/// its own degraded reason; the hot and trending lists have a last good copy in memory (<see cref="LastGoodLists"/>).
/// </summary>
internal sealed class ResilientIndexStore(IIndexStore inner, StoreResilience resilience, NearCache cache) : IIndexStore
{
    private readonly StoreResilience _resilience = resilience;
    private readonly NearCache _cache = cache;

    /// <summary>The store that is wrapped.</summary>
    public IIndexStore Inner => inner;

    /// <inheritdoc />
    public string Name => inner.Name;

    /// <inheritdoc />
    public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default)
        => _resilience.ExecuteAsync(static (s, ct) => new ValueTask<string?>(s.GetActiveVersionAsync(ct)), inner, cancellationToken).AsTask();

    /// <inheritdoc />
    public IIndexSnapshot OpenSnapshot(string version) => new Snapshot(this, inner.OpenSnapshot(version));

    /// <inheritdoc />
    public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default)
        => inner.SubscribeAsync(onAnnounced, cancellationToken);

    private sealed class Snapshot(ResilientIndexStore store, IIndexSnapshot inner) : IIndexSnapshot, ICachedCompletionReader
    {
        public string Version => inner.Version;

        public bool TryReadCached(CompletionTable table, string key, out PrefixNode? node)
        {
            if (!store._cache.TryGet(Version, IndexKeys.CompletionKind(table), key, out node, countMiss: false))
            {
                return false;
            }

            store.CountHitDuringOutage(store.IsOpenForHits());
            return true;
        }

        // Resolved nodes are the near-cache's own (a key the version did not write): a kind of their own, never read
        // from or written to the store.
        public bool TryReadResolved(CompletionTable table, string key, out PrefixNode? node)
            => store._cache.TryGet(Version, ResolvedKind(table), key, out node, countMiss: false);

        public void RememberResolved(CompletionTable table, string key, PrefixNode? node)
            => store._cache.Set(Version, ResolvedKind(table), key, node);

        private static string ResolvedKind(CompletionTable table) => table switch
        {
            CompletionTable.Prefix => "~" + IndexKeys.PrefixKind,
            CompletionTable.PinyinFull => "~" + IndexKeys.PinyinFullKind,
            CompletionTable.PinyinInitials => "~" + IndexKeys.PinyinInitialsKind,
            _ => "~" + IndexKeys.InfixKind,
        };

        public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.PrefixKind, normalizedPrefix, normalizedPrefix, static (s, a, ct) => s.GetPrefixNodeAsync(a, ct), cancellationToken);

        public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default)
            => table == CompletionTable.Prefix
                ? GetPrefixNodeAsync(key, cancellationToken)
                : CachedAsync(IndexKeys.CompletionKind(table), key, (table, key), static (s, a, ct) => s.GetCompletionNodeAsync(a.table, a.key, ct), cancellationToken);

        public async ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            var nodes = new PrefixNode?[keys.Count];
            var kind = IndexKeys.CompletionKind(table);
            List<int>? missing = null;
            var open = store.IsOpenForHits();
            for (var i = 0; i < keys.Count; i++)
            {
                if (store._cache.TryGet<PrefixNode>(Version, kind, keys[i], out var hit))
                {
                    nodes[i] = hit;
                    store.CountHitDuringOutage(open);
                }
                else
                {
                    (missing ??= []).Add(i);
                }
            }

            if (missing is null)
            {
                return nodes;
            }

            var missingKeys = missing.ConvertAll(i => keys[i]);
            var read = await store._resilience.ExecuteAsync(
                static (state, ct) => state.inner.GetCompletionNodesAsync(state.table, state.missingKeys, ct),
                (inner, table, missingKeys),
                cancellationToken);
            for (var j = 0; j < missing.Count; j++)
            {
                nodes[missing[j]] = read[j];
                store._cache.Set(Version, kind, missingKeys[j], read[j]);
            }

            return nodes;
        }

        // Vocabulary chunks, near-duplicate folds and the model package are large, read once per version (at activation or
        // in the background, which have their own failure handling) and never on a request's path: neither cached nor
        // bound by the per-read timeout.
        public ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default)
            => inner.GetVocabularyChunkAsync(chunk, cancellationToken);

        public ValueTask<NearDuplicateFolds?> GetNearDuplicateFoldsAsync(int chunk, CancellationToken cancellationToken = default)
            => inner.GetNearDuplicateFoldsAsync(chunk, cancellationToken);

        public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default)
            => inner.GetRankingModelAsync(cancellationToken);

        public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.QueryKind, normalizedQuery, normalizedQuery, static (s, a, ct) => s.GetQueryStatsAsync(a, ct), cancellationToken);

        public ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.InfoKind, "info", 0, static (s, _, ct) => s.GetInfoAsync(ct), cancellationToken);

        public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.RelatedKind, normalizedQuery, normalizedQuery, static (s, a, ct) => s.GetRelatedQueriesAsync(a, ct), cancellationToken);

        public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.RefinementKind, normalizedQuery, normalizedQuery, static (s, a, ct) => s.GetRefinementsAsync(a, ct), cancellationToken);

        public ValueTask<RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.DiscoveryRelatedKind, normalizedQuery, normalizedQuery, static (s, a, ct) => s.GetDiscoveryRelatedAsync(a, ct), cancellationToken);

        public ValueTask<QueryCorrection?> GetCorrectionAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.CorrectionKind, normalizedQuery, normalizedQuery, static (s, a, ct) => s.GetCorrectionAsync(a, ct), cancellationToken);

        public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.ItemKind, itemId, itemId, static (s, a, ct) => s.GetItemQueriesAsync(a, ct), cancellationToken);

        public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.HotKind, category, category, static (s, a, ct) => s.GetHotAsync(a, ct), cancellationToken);

        public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.TrendingKind, category, category, static (s, a, ct) => s.GetTrendingAsync(a, ct), cancellationToken);

        public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default)
            => CachedAsync(IndexKeys.PinKind, "pins", 0, static (s, _, ct) => s.GetPinsAsync(ct), cancellationToken);

        // A hit (most reads) returns at once, without an async state machine; only a miss awaits the store.
        private ValueTask<T?> CachedAsync<T, TArg>(string kind, string key, TArg arg, Func<IIndexSnapshot, TArg, CancellationToken, ValueTask<T?>> read, CancellationToken cancellationToken)
            where T : class, Google.Protobuf.IMessage
        {
            if (store._cache.TryGet<T>(Version, kind, key, out var hit))
            {
                store.CountHitDuringOutage(store.IsOpenForHits());
                return new ValueTask<T?>(hit);
            }

            return ReadAsync(kind, key, arg, read, cancellationToken);
        }

        private async ValueTask<T?> ReadAsync<T, TArg>(string kind, string key, TArg arg, Func<IIndexSnapshot, TArg, CancellationToken, ValueTask<T?>> read, CancellationToken cancellationToken)
            where T : class, Google.Protobuf.IMessage
        {
            var value = await store._resilience.ExecuteAsync(static (s, ct) => s.read(s.inner, s.arg, ct), (inner, arg, read), cancellationToken);
            store._cache.Set(Version, kind, key, value);
            return value;
        }
    }

    private bool IsOpenForHits() => _resilience.IsOpen;

    /// <summary>A near-cache hit while the circuit is open is a read Redis could not have served: counted as a fallback.</summary>
    private void CountHitDuringOutage(bool open)
    {
        if (open)
        {
            _resilience.Metrics.RecordFallback(QueryRecInstrumentation.KindNearCache);
        }
    }
}
