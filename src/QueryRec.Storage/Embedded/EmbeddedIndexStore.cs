using System.Collections.Frozen;
using QueryRec.Storage.V1;

namespace QueryRec.Storage.Embedded;

/// <summary>
/// The in-process store: versions held in memory, loaded from embedded index files or published directly.
/// It is the default when no Redis is configured. It keeps the same contract as the Redis store:
/// versions are immutable, the active pointer flips atomically, rollback returns to the previous version,
/// and at most <see cref="RetainVersions"/> versions are kept.
/// </summary>
public sealed class EmbeddedIndexStore : IIndexStore, IIndexAdmin
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly List<Entry> _history = []; // oldest first
    private readonly List<Action<string>> _subscribers = [];
    private volatile Entry? _active;

    /// <summary>Creates an empty store.</summary>
    public EmbeddedIndexStore(int retainVersions = 3, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retainVersions, 1);
        RetainVersions = retainVersions;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Most records of one version held parsed (<see cref="IIndexSnapshot"/> reads hand out the same message for the
    /// same record of the same version, as the Redis near-cache does; readers never mutate them). Past this, a record
    /// is parsed on every read. About 2 KB per completion node: 64 MB per version at most for nodes.
    /// </summary>
    public const int ParsedCapacity = 32_768;

    /// <summary>How many versions are kept, the active one included.</summary>
    public int RetainVersions { get; }

    /// <summary>How many records of <paramref name="version"/> are held parsed (0 when the version is not retained).</summary>
    public int ParsedRecords(string version)
    {
        lock (_gate)
        {
            return _history.FirstOrDefault(e => e.Build.Version == version)?.ParsedCount ?? 0;
        }
    }

    /// <inheritdoc />
    public string Name => "embedded";

    /// <summary>Loads an index file and publishes it (unless that version is already active).</summary>
    public PublishResult? LoadFile(string path)
    {
        var build = IndexFile.ReadFile(path);
        lock (_gate)
        {
            if (_active?.Build.Version == build.Version)
            {
                return null;
            }

            if (_history.Any(e => e.Build.Version == build.Version))
            {
                RollbackCore(build.Version);
                return null;
            }
        }

        return PublishCore(build);
    }

    /// <inheritdoc />
    public Task<string?> GetActiveVersionAsync(CancellationToken cancellationToken = default)
        => Task.FromResult(_active?.Build.Version);

    /// <inheritdoc />
    public IIndexSnapshot OpenSnapshot(string version)
    {
        lock (_gate)
        {
            var entry = _history.FirstOrDefault(e => e.Build.Version == version)
                ?? throw new KeyNotFoundException($"Index version '{version}' is not held by the embedded store.");
            return new Snapshot(entry);
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(Action<string> onAnnounced, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _subscribers.Add(onAnnounced);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<PublishResult> PublishAsync(IndexBuild build, IProgress<PublishProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        progress?.Report(new PublishProgress("write", build.Records.Count, build.Records.Count));
        return Task.FromResult(PublishCore(build));
    }

    /// <inheritdoc />
    public Task<string> RollbackAsync(string? toVersion = null, CancellationToken cancellationToken = default)
    {
        string version;
        lock (_gate)
        {
            version = RollbackCore(toVersion);
        }

        Announce(version);
        return Task.FromResult(version);
    }

    /// <inheritdoc />
    public Task<IndexStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var active = _active?.Build.Version;
            var versions = _history
                .AsEnumerable()
                .Reverse()
                .Select(e => new IndexVersionInfo(
                    e.Build.Version,
                    DateTimeOffset.FromUnixTimeMilliseconds(e.Build.Manifest.CreatedUnixMs),
                    e.PublishedAt,
                    e.Build.Manifest.TotalRecords,
                    e.Build.Manifest.RecordCounts.ToDictionary(),
                    e.Build.Version == active))
                .ToList();
            return Task.FromResult(new IndexStatus(active, versions));
        }
    }

    /// <inheritdoc />
    public Task<IndexBuild> ReadBuildAsync(string version, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entry = _history.FirstOrDefault(e => e.Build.Version == version)
                ?? throw new KeyNotFoundException($"Index version '{version}' is not retained.");
            return Task.FromResult(entry.Build);
        }
    }

    private PublishResult PublishCore(IndexBuild build)
    {
        var entry = new Entry(build, _time.GetUtcNow());
        string? previous;
        var deleted = new List<string>();
        lock (_gate)
        {
            if (_history.Any(e => e.Build.Version == build.Version))
            {
                throw new InvalidOperationException($"Index version '{build.Version}' was already published; use rollback to re-activate it.");
            }

            previous = _active?.Build.Version;
            _history.Add(entry);
            _active = entry;
            while (_history.Count > RetainVersions)
            {
                deleted.Add(_history[0].Build.Version);
                _history.RemoveAt(0);
            }
        }

        Announce(build.Version);
        return new PublishResult(build.Version, previous, build.Records.Count, deleted);
    }

    private string RollbackCore(string? toVersion)
    {
        var activeIndex = _active is null ? -1 : _history.IndexOf(_active);
        int target;
        if (toVersion is null)
        {
            target = activeIndex - 1;
            if (target < 0)
            {
                throw new InvalidOperationException("There is no earlier retained version to roll back to.");
            }
        }
        else
        {
            target = _history.FindIndex(e => e.Build.Version == toVersion);
            if (target < 0)
            {
                throw new InvalidOperationException($"Index version '{toVersion}' is not retained.");
            }
        }

        _active = _history[target];
        return _active.Build.Version;
    }

    private void Announce(string version)
    {
        Action<string>[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(version);
        }
    }

    internal sealed class Entry
    {
        private int _parsedCount;

        public Entry(IndexBuild build, DateTimeOffset publishedAt)
        {
            Build = build;
            PublishedAt = publishedAt;
            Values = build.Records.ToFrozenDictionary(static r => r.Key, static r => new Slot(r.Value), StringComparer.Ordinal);
            ByChars = Values.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public IndexBuild Build { get; }

        public DateTimeOffset PublishedAt { get; }

        public FrozenDictionary<string, Slot> Values { get; }

        /// <summary>The records by a key given as characters (no key string built).</summary>
        public FrozenDictionary<string, Slot>.AlternateLookup<ReadOnlySpan<char>> ByChars { get; }

        /// <summary>How many records of this version hold their parsed message (at most <see cref="ParsedCapacity"/>).</summary>
        public int ParsedCount => Volatile.Read(ref _parsedCount);

        /// <summary>
        /// The parsed message of <paramref name="key"/>, or null when the version has no such record. Parsed once per
        /// version and record while fewer than <see cref="ParsedCapacity"/> are held; past that, parsed per read.
        /// </summary>
        public T? Read<T>(string key, Google.Protobuf.MessageParser<T> parser)
            where T : class, Google.Protobuf.IMessage<T>
        {
            return Values.TryGetValue(key, out var slot) ? Read(slot, parser) : null;
        }

        /// <summary>The parsed message of a record, parsed once while fewer than <see cref="ParsedCapacity"/> are held.</summary>
        public T Read<T>(Slot slot, Google.Protobuf.MessageParser<T> parser)
            where T : class, Google.Protobuf.IMessage<T>
        {
            if (slot.Parsed is T cached)
            {
                return cached;
            }

            var parsed = parser.ParseFrom(slot.Bytes);
            if (Volatile.Read(ref _parsedCount) < ParsedCapacity
                && Interlocked.CompareExchange(ref slot.Parsed, parsed, null) is null)
            {
                Interlocked.Increment(ref _parsedCount);
            }

            return parsed;
        }

        /// <summary>The parsed message of <paramref name="key"/>, parsed on every read (large records read once per version).</summary>
        public T? ReadUncached<T>(string key, Google.Protobuf.MessageParser<T> parser)
            where T : class, Google.Protobuf.IMessage<T>
            => Values.TryGetValue(key, out var slot) ? parser.ParseFrom(slot.Bytes) : null;
    }

    /// <summary>One record of a version: its bytes and, once read, its parsed message (shared by every reader, never mutated).</summary>
    internal sealed class Slot(byte[] bytes)
    {
        public readonly byte[] Bytes = bytes;

        public object? Parsed;
    }

    private sealed class Snapshot(Entry entry) : IIndexSnapshot, ILocalCompletionReader
    {
        /// <summary>The key prefix of each completion table ("p:", "py:", "pi:", "x:"), by <see cref="CompletionTable"/>.</summary>
        private static readonly string[] TablePrefixes =
            [.. Enum.GetValues<CompletionTable>().Select(static t => IndexKeys.Completions(t, string.Empty))];

        public string Version => entry.Build.Version;

        public ValueTask<PrefixNode?> GetPrefixNodeAsync(string normalizedPrefix, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(ReadCompletionNode(CompletionTable.Prefix, normalizedPrefix));

        public ValueTask<PrefixNode?> GetCompletionNodeAsync(CompletionTable table, string key, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(ReadCompletionNode(table, key));

        public ValueTask<IReadOnlyList<PrefixNode?>> GetCompletionNodesAsync(CompletionTable table, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        {
            var nodes = new PrefixNode?[keys.Count];
            for (var i = 0; i < keys.Count; i++)
            {
                nodes[i] = ReadCompletionNode(table, keys[i]);
            }

            return ValueTask.FromResult<IReadOnlyList<PrefixNode?>>(nodes);
        }

        /// <inheritdoc />
        public PrefixNode? ReadCompletionNode(CompletionTable table, ReadOnlySpan<char> key)
        {
            var prefix = TablePrefixes[(int)table];
            var length = prefix.Length + key.Length;
            if (length > 256)
            {
                return entry.Read(IndexKeys.Completions(table, key.ToString()), PrefixNode.Parser);
            }

            Span<char> full = stackalloc char[length];
            prefix.CopyTo(full);
            key.CopyTo(full[prefix.Length..]);
            return entry.ByChars.TryGetValue(full, out var slot) ? entry.Read(slot, PrefixNode.Parser) : null;
        }

        // Vocabulary chunks and the model package are large and read once per version: not held parsed.
        public ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(entry.ReadUncached(IndexKeys.Vocabulary(chunk), VocabularyChunk.Parser));

        // Read once per version, like the vocabulary: not held parsed.
        public ValueTask<NearDuplicateFolds?> GetNearDuplicateFoldsAsync(int chunk, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(entry.ReadUncached(IndexKeys.NearDuplicateFolds(chunk), NearDuplicateFolds.Parser));

        public ValueTask<QueryStats?> GetQueryStatsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => Get(IndexKeys.Query(normalizedQuery), QueryStats.Parser);

        public ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default)
            => Get(IndexKeys.Info, IndexInfo.Parser);

        public ValueTask<RelatedQueries?> GetRelatedQueriesAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => Get(IndexKeys.Related(normalizedQuery), RelatedQueries.Parser);

        public ValueTask<RelatedQueries?> GetRefinementsAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => Get(IndexKeys.Refinements(normalizedQuery), RelatedQueries.Parser);

        public ValueTask<RelatedQueries?> GetDiscoveryRelatedAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => Get(IndexKeys.DiscoveryRelated(normalizedQuery), RelatedQueries.Parser);

        public ValueTask<QueryCorrection?> GetCorrectionAsync(string normalizedQuery, CancellationToken cancellationToken = default)
            => Get(IndexKeys.Correction(normalizedQuery), QueryCorrection.Parser);

        public ValueTask<ItemQueries?> GetItemQueriesAsync(string itemId, CancellationToken cancellationToken = default)
            => Get(IndexKeys.Item(itemId), ItemQueries.Parser);

        public ValueTask<RankedQueries?> GetHotAsync(string category, CancellationToken cancellationToken = default)
            => Get(IndexKeys.Hot(category), RankedQueries.Parser);

        public ValueTask<RankedQueries?> GetTrendingAsync(string category, CancellationToken cancellationToken = default)
            => Get(IndexKeys.Trending(category), RankedQueries.Parser);

        public ValueTask<PinList?> GetPinsAsync(CancellationToken cancellationToken = default)
            => Get(IndexKeys.Pins, PinList.Parser);

        public ValueTask<RankingModelPackage?> GetRankingModelAsync(CancellationToken cancellationToken = default)
            => ValueTask.FromResult(entry.ReadUncached(IndexKeys.Model, RankingModelPackage.Parser));

        private ValueTask<T?> Get<T>(string key, Google.Protobuf.MessageParser<T> parser)
            where T : class, Google.Protobuf.IMessage<T>
            => ValueTask.FromResult(entry.Read(key, parser));
    }
}
