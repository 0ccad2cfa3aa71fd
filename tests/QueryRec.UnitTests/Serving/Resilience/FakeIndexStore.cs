using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.UnitTests.Serving.Resilience;

/// <summary>
/// An in-memory index store for the resilience tests: every version has a prefix node per prefix whose one completion
/// names the version and the prefix; hot lists likewise. Counts the reads that reach it and fails them on demand.
/// </summary>
internal sealed class FakeIndexStore : IIndexStore
{
    private int _reads;

    /// <summary>When set, every read throws what it returns.</summary>
    public Func<Exception>? Fault { get; set; }

    /// <summary>Prefixes that have no node.</summary>
    public HashSet<string> Absent { get; } = new(StringComparer.Ordinal);

    /// <summary>Completions padded to this many characters (to make a node large).</summary>
    public int Padding { get; set; }

    /// <summary>Reads that reached this store.</summary>
    public int Reads => Volatile.Read(ref _reads);

    public string Name => "fake";

    public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>("v1");

    public IIndexSnapshot OpenSnapshot(string version) => new Snapshot(this, version);

    public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <summary>The completion text the store holds for a prefix in a version.</summary>
    public static string TextOf(string version, string prefix) => prefix + " @" + version;

    private ValueTask<T?> Read<T>(Func<T?> value)
        where T : class
    {
        Interlocked.Increment(ref _reads);
        if (Fault is { } fault)
        {
            return ValueTask.FromException<T?>(fault());
        }

        return ValueTask.FromResult(value());
    }

    private sealed class Snapshot(FakeIndexStore store, string version) : IIndexSnapshot
    {
        public string Version => version;

        public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default)
            => store.Read(() => store.Absent.Contains(normalizedPrefix) ? null : Node(normalizedPrefix));

        public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default)
            => GetPrefixNodeAsync(key, cancellationToken);

        public async ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            var nodes = new PrefixNode?[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                nodes[i] = await GetPrefixNodeAsync(keys[i], cancellationToken);
            }

            return nodes;
        }

        public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default)
            => store.Read(() => new RankedQueries { Queries = { new RankedQuery { Text = TextOf(version, "hot:" + category), Score = 1 } } });

        public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default) => store.Read<RankedQueries>(() => null);

        public ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default) => store.Read<VocabularyChunk>(() => null);

        public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => store.Read<QueryStats>(() => null);

        public ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default) => store.Read(() => new IndexInfo());

        public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default) => store.Read<RelatedQueries>(() => null);

        public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default) => store.Read<RelatedQueries>(() => null);

        public ValueTask<RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default) => store.Read<RelatedQueries>(() => null);

        public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default) => store.Read<ItemQueries>(() => null);

        public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default) => store.Read<PinList>(() => null);

        public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default) => store.Read<RankingModelPackage>(() => null);

        private PrefixNode Node(string prefix)
            => new() { Completions = { new Completion { Text = TextOf(version, prefix).PadRight(store.Padding, '.'), Score = 1 } } };
    }
}
