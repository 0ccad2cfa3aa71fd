using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// An index store over another whose vocabulary-chunk reads wait for <see cref="OpenVocabulary"/>: holds a
/// version's typo-tolerant matcher in its background build while requests go on.
/// </summary>
internal sealed class GatedIndexStore(IIndexStore inner) : IIndexStore
{
    private readonly TaskCompletionSource _vocabulary = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner.Name;

    /// <summary>Lets every pending and later vocabulary read through.</summary>
    public void OpenVocabulary() => _vocabulary.TrySetResult();

    public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default) => inner.GetActiveVersionAsync(cancellationToken);

    public IIndexSnapshot OpenSnapshot(string version) => new Snapshot(inner.OpenSnapshot(version), _vocabulary.Task);

    public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default) => inner.SubscribeAsync(onAnnounced, cancellationToken);

    private sealed class Snapshot(IIndexSnapshot inner, Task gate) : IIndexSnapshot
    {
        public string Version => inner.Version;

        public async ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default)
        {
            await gate.WaitAsync(cancellationToken);
            return await inner.GetVocabularyChunkAsync(chunk, cancellationToken);
        }

        public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default) => inner.GetPrefixNodeAsync(normalizedPrefix, cancellationToken);

        public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default) => inner.GetCompletionNodeAsync(table, key, cancellationToken);

        public ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.GetCompletionNodesAsync(table, keys, cancellationToken);

        public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetQueryStatsAsync(normalizedQuery, cancellationToken);

        public ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);

        public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRelatedQueriesAsync(normalizedQuery, cancellationToken);

        public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRefinementsAsync(normalizedQuery, cancellationToken);

        public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default) => inner.GetItemQueriesAsync(itemId, cancellationToken);

        public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default) => inner.GetHotAsync(category, cancellationToken);

        public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default) => inner.GetTrendingAsync(category, cancellationToken);

        public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default) => inner.GetPinsAsync(cancellationToken);

        public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default) => inner.GetRankingModelAsync(cancellationToken);
    }
}
