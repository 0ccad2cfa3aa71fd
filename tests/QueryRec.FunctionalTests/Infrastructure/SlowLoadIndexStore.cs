using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// An index store over another whose snapshots take <paramref name="load"/> to load before their first read answers,
/// the way a packed Redis version loads its directory and text table once per snapshot: the load starts with the
/// first read and carries on when that read is cancelled, and every snapshot loads again.
/// </summary>
internal sealed class SlowLoadIndexStore(IIndexStore inner, TimeSpan load) : IIndexStore
{
    private int _opened;

    /// <summary>Snapshots opened so far.</summary>
    public int Opened => Volatile.Read(ref _opened);

    public string Name => inner.Name;

    public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default) => inner.GetActiveVersionAsync(cancellationToken);

    public IIndexSnapshot OpenSnapshot(string version)
    {
        Interlocked.Increment(ref _opened);
        return new Snapshot(inner.OpenSnapshot(version), load);
    }

    public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default) => inner.SubscribeAsync(onAnnounced, cancellationToken);

    private sealed class Snapshot(IIndexSnapshot inner, TimeSpan load) : IIndexSnapshot
    {
        private readonly Lazy<Task> _loaded = new(() => Task.Delay(load));

        public string Version => inner.Version;

        public async ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default)
        {
            await _loaded.Value.WaitAsync(cancellationToken);
            return await inner.GetInfoAsync(cancellationToken);
        }

        public ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default) => inner.GetVocabularyChunkAsync(chunk, cancellationToken);

        public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default) => inner.GetPrefixNodeAsync(normalizedPrefix, cancellationToken);

        public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default) => inner.GetCompletionNodeAsync(table, key, cancellationToken);

        public ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.GetCompletionNodesAsync(table, keys, cancellationToken);

        public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetQueryStatsAsync(normalizedQuery, cancellationToken);

        public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRelatedQueriesAsync(normalizedQuery, cancellationToken);

        public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRefinementsAsync(normalizedQuery, cancellationToken);

        public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default) => inner.GetItemQueriesAsync(itemId, cancellationToken);

        public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default) => inner.GetHotAsync(category, cancellationToken);

        public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default) => inner.GetTrendingAsync(category, cancellationToken);

        public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default) => inner.GetPinsAsync(cancellationToken);

        public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default) => inner.GetRankingModelAsync(cancellationToken);
    }
}
