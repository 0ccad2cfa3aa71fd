using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>A snapshot that forwards every read to another; test stores override the reads they hold back.</summary>
internal abstract class ForwardingIndexSnapshot(IIndexSnapshot inner) : IIndexSnapshot
{
    public string Version => inner.Version;

    public virtual ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default) => inner.GetInfoAsync(cancellationToken);

    public virtual ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default) => inner.GetVocabularyChunkAsync(chunk, cancellationToken);

    public ValueTask<NearDuplicateFolds?> GetNearDuplicateFoldsAsync(int chunk, CancellationToken cancellationToken = default) => inner.GetNearDuplicateFoldsAsync(chunk, cancellationToken);

    public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default) => inner.GetPrefixNodeAsync(normalizedPrefix, cancellationToken);

    public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default) => inner.GetCompletionNodeAsync(table, key, cancellationToken);

    public ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default) => inner.GetCompletionNodesAsync(table, keys, cancellationToken);

    public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetQueryStatsAsync(normalizedQuery, cancellationToken);

    public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRelatedQueriesAsync(normalizedQuery, cancellationToken);

    public virtual ValueTask<QueryCorrection?> GetCorrectionAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetCorrectionAsync(normalizedQuery, cancellationToken);

    public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetRefinementsAsync(normalizedQuery, cancellationToken);

    public ValueTask<RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default) => inner.GetDiscoveryRelatedAsync(normalizedQuery, cancellationToken);

    public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default) => inner.GetItemQueriesAsync(itemId, cancellationToken);

    public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default) => inner.GetHotAsync(category, cancellationToken);

    public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default) => inner.GetTrendingAsync(category, cancellationToken);

    public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default) => inner.GetPinsAsync(cancellationToken);

    public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default) => inner.GetRankingModelAsync(cancellationToken);
}
