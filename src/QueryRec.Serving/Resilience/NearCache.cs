using BitFaster.Caching.Lru;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Serving.Resilience;

/// <summary>
/// The in-process near-cache in front of Redis index reads: a bounded LRU (BitFaster <see cref="ConcurrentLru{K,V}"/>)
/// keyed by (index version, record key). Versions are immutable, so an entry is exact for as long as it lives; a
/// version flip makes the old version's entries unreachable (no request asks for that version any more) and they are
/// evicted first as the new version's entries come in. Absent records are cached too. Values larger than
/// <see cref="NearCacheSettings.MaxEntryBytes"/> are not cached. Cached messages are shared: readers never mutate them.
/// </summary>
internal sealed class NearCache
{
    private static readonly object Absent = new();

    private readonly ConcurrentLru<NearCacheKey, object>? _lru;
    private readonly int _maxEntryBytes;
    private readonly QueryRecInstrumentation _metrics;

    public NearCache(IOptions<ResilienceOptions> options, QueryRecInstrumentation metrics)
    {
        var settings = options.Value.NearCache;
        _metrics = metrics;
        _maxEntryBytes = settings.MaxEntryBytes;
        Capacity = settings.MaxEntries;
        _lru = settings.Enabled ? new ConcurrentLru<NearCacheKey, object>(settings.MaxEntries) : null;
    }

    /// <summary>Whether the cache is on.</summary>
    public bool Enabled => _lru is not null;

    /// <summary>The most entries held.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now (never more than <see cref="Capacity"/>).</summary>
    public int Count => _lru?.Count ?? 0;

    /// <summary>Looks a record up; counts a hit or a miss.</summary>
    /// <param name="version">The index version.</param>
    /// <param name="kind">The record kind (a <see cref="Storage.IndexKeys"/> kind constant).</param>
    /// <param name="key">The record's key within its kind (the query, prefix, item id or category).</param>
    /// <param name="value">The cached message, or null when the record is known to be absent.</param>
    /// <param name="countMiss">False for a probe whose miss is read from the store later (and counted then).</param>
    public bool TryGet<T>(string version, string kind, string key, out T? value, bool countMiss = true)
        where T : class
    {
        if (_lru is not null && _lru.TryGet(new NearCacheKey(version, kind, key), out var cached))
        {
            _metrics.NearCacheHit();
            value = cached as T;
            return true;
        }

        if (_lru is not null && countMiss)
        {
            _metrics.NearCacheMiss();
        }

        value = null;
        return false;
    }

    /// <summary>Caches a record read from the store (null: the record is absent).</summary>
    public void Set<T>(string version, string kind, string key, T? value)
        where T : class, IMessage
    {
        if (_lru is null || (value is not null && value.CalculateSize() > _maxEntryBytes))
        {
            return;
        }

        _lru.AddOrUpdate(new NearCacheKey(version, kind, key), value ?? Absent);
    }

    /// <summary>Drops every entry.</summary>
    public void Clear() => _lru?.Clear();

    /// <summary>
    /// A near-cache key: the version is part of it, so a version flip never reads another version's entry. The kind
    /// and the key stay apart (no "kind:key" string built per read, several per Suggest call).
    /// </summary>
    private readonly record struct NearCacheKey(string Version, string Kind, string Key);
}
