using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// The online, read side of the versioned index: which version is active, and reads from one version.
/// Implemented by the Redis store and the embedded (in-process) store.
/// </summary>
public interface IIndexStore
{
    /// <summary>A short name for metrics and logs: "redis" or "embedded".</summary>
    string Name { get; }

    /// <summary>The active version, or null when nothing has been published.</summary>
    Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a read view of one version. Every read through it comes from that version only, so an answer
    /// built from one snapshot never mixes versions. Cheap: no I/O.
    /// </summary>
    IIndexSnapshot OpenSnapshot(string version);

    /// <summary>
    /// Calls <paramref name="onAnnounced"/> with a version id whenever a publish or rollback is announced
    /// (Redis pub/sub). Announcements are hints: readers also poll <see cref="GetActiveVersionAsync"/>.
    /// </summary>
    Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default);
}

/// <summary>Reads of one immutable index version.</summary>
public interface IIndexSnapshot
{
    /// <summary>The version this snapshot reads.</summary>
    string Version { get; }

    /// <summary>The prefix-table node of a normalized prefix, or null when no query has that prefix.</summary>
    ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default);

    /// <summary>The node of <paramref name="key"/> in one completion table, or null when there is none.</summary>
    ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// The nodes of several keys of one table in one round trip (pipelined, no multi-key command, so it works
    /// on Redis Cluster); the result is aligned with <paramref name="keys"/>, null where there is no node.
    /// </summary>
    ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>One chunk of the vocabulary (see <see cref="IndexInfo.VocabularyChunks"/>), or null.</summary>
    ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default);

    /// <summary>
    /// One chunk of the version's near-duplicate folds (see <see cref="IndexInfo.NearDuplicateFoldChunks"/>), or null
    /// (also for a store of a version written before folds were recorded).
    /// </summary>
    ValueTask<NearDuplicateFolds?> GetNearDuplicateFoldsAsync(int chunk, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<NearDuplicateFolds?>(null);

    /// <summary>The statistics of a normalized query, or null when it is not in the vocabulary.</summary>
    ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default);

    /// <summary>How the version was built, or null for an index written without it.</summary>
    ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>The q2q list of a normalized query (the queries that follow it in sessions), or null.</summary>
    ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default);

    /// <summary>The refinements of a normalized query (narrower queries), or null.</summary>
    ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default);

    /// <summary>
    /// The Discover RELATED list of a normalized query: q2q, then co-clicked, word-sharing and category-hot queries,
    /// each entry with its source; or null.
    /// </summary>
    ValueTask<RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default);

    /// <summary>
    /// The correction mined from sessions for a normalized query, or null (also for a store of a version written before
    /// corrections were mined).
    /// </summary>
    ValueTask<QueryCorrection?> GetCorrectionAsync(string normalizedQuery, CancellationToken cancellationToken = default)
        => ValueTask.FromResult<QueryCorrection?>(null);

    /// <summary>The i2q list of an item (the queries that led to it), or null.</summary>
    ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default);

    /// <summary>The hot list of a category (<see cref="IndexKeys.GlobalCategory"/> for the global one), or null.</summary>
    ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default);

    /// <summary>The trending list of a category (<see cref="IndexKeys.GlobalCategory"/> for the global one), or null.</summary>
    ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default);

    /// <summary>The operator pins of the version, or null when the build had no whitelist.</summary>
    ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default);

    /// <summary>The ranking model carried by the version (see <see cref="IndexInfo.RankingModelVersion"/>), or null.</summary>
    ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// The offline, write side: publish, rollback, status, export. Implemented by both stores.
/// </summary>
public interface IIndexAdmin
{
    /// <summary>
    /// Publishes a build as a new version: writes every record, validates counts and checksum, then flips
    /// the active pointer atomically and announces it. A failure or cancellation before the flip leaves the
    /// previous version active. Versions beyond the retention count are deleted afterwards.
    /// </summary>
    /// <exception cref="InvalidOperationException">The version was already published.</exception>
    Task<PublishResult> PublishAsync(IndexBuild build, IProgress<PublishProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes an index file as <see cref="PublishAsync(IndexBuild, IProgress{PublishProgress}?, CancellationToken)"/>
    /// does. A store may stream it (the Redis store does: memory bounded by what is in flight); by default the file is read
    /// into a build first. A file that does not verify (truncated, corrupted, counts or checksum) is refused before the flip.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid index file.</exception>
    /// <exception cref="InvalidOperationException">The version was already published.</exception>
    Task<PublishResult> PublishFileAsync(IndexFileReader file, IProgress<PublishProgress>? progress = null, CancellationToken cancellationToken = default)
        => PublishAsync(file.ReadToEnd(), progress, cancellationToken);

    /// <summary>
    /// Re-activates the version published before the active one (or <paramref name="toVersion"/>, which must
    /// be retained), and returns the version now active.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no version to roll back to.</exception>
    Task<string> RollbackAsync(string? toVersion = null, CancellationToken cancellationToken = default);

    /// <summary>The active version and the retained history, newest first.</summary>
    Task<IndexStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a whole retained version back, verified against its manifest.</summary>
    /// <exception cref="KeyNotFoundException">The version is not retained.</exception>
    Task<IndexBuild> ReadBuildAsync(string version, CancellationToken cancellationToken = default);
}

/// <summary>Progress of a publish: records written so far out of the total.</summary>
public readonly record struct PublishProgress(string Phase, long Done, long Total);

/// <summary>What a publish did.</summary>
public sealed record PublishResult(string Version, string? PreviousVersion, long RecordsWritten, IReadOnlyList<string> DeletedVersions, IReadOnlyList<string>? Warnings = null);

/// <summary>The state of the version registry.</summary>
public sealed record IndexStatus(string? ActiveVersion, IReadOnlyList<IndexVersionInfo> Versions);

/// <summary>One retained version.</summary>
public sealed record IndexVersionInfo(string Version, DateTimeOffset CreatedAt, DateTimeOffset PublishedAt, long TotalRecords, IReadOnlyDictionary<string, long> RecordCounts, bool IsActive);
