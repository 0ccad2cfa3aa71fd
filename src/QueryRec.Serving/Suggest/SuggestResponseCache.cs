using BitFaster.Caching.Lru;
using Google.Protobuf.Collections;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Telemetry;

namespace QueryRec.Serving.Suggest;

/// <summary>
/// A short-lived, bounded cache (BitFaster <see cref="ConcurrentLru{K,V}"/>) of Suggest answers to calls that carry no
/// personal signal: no user or device subject, or one whose recent queries and viewed items are both empty. The key
/// holds everything else the answer depends on: index version, ranking model version, experiment assignment, trending
/// snapshot, normalized prefix, limit, stage, scene, page context and category filters. So a hit is the answer the
/// pipeline would compute, with a new request id; an index or model flip or a trending refresh that changed the list
/// makes the old entries unreachable (and an index flip clears the cache). Degraded answers are never cached. The TTL
/// bounds what no key covers (options reloads).
/// </summary>
/// <remarks>
/// It also remembers, per subject and for <see cref="SuggestResponseCacheSettings.HistoryPresenceTtl"/>, whether the
/// subject's recent queries and viewed items were read as empty (or not), so that a subject known to have none is
/// answered from the cache without a store read (<see cref="HistoryOf"/>). Only successful reads are remembered.
/// <see cref="ForgetHistory"/> (ReportEvents on this instance) drops a subject at once, and a read that started before
/// it cannot record "empty" after it (a per-stripe generation, checked before and after the write).
/// </remarks>
internal sealed class SuggestResponseCache
{
    /// <summary>Stripes of the subjects' invalidation generations (a power of two).</summary>
    private const int GenerationStripes = 1024;

    private readonly ConcurrentLru<Key, Entry>? _lru;
    private readonly ConcurrentLru<string, Presence>? _presence;
    private readonly long[] _generations = new long[GenerationStripes];
    private readonly long _presenceTtlTicks;
    private readonly TimeProvider _timeProvider;
    private readonly long _ttlTicks;
    private readonly QueryRecInstrumentation _instrumentation;
    private string? _indexVersion;

    public SuggestResponseCache(IOptions<SuggestOptions> options, TimeProvider timeProvider, QueryRecInstrumentation instrumentation)
    {
        var settings = options.Value.ResponseCache;
        _timeProvider = timeProvider;
        _ttlTicks = (long)(settings.Ttl.TotalSeconds * timeProvider.TimestampFrequency);
        Capacity = settings.MaxEntries;
        IncludeSubjectsWithoutHistory = settings.IncludeSubjectsWithoutHistory;
        _lru = settings.Enabled ? new ConcurrentLru<Key, Entry>(settings.MaxEntries) : null;
        _presenceTtlTicks = (long)(settings.HistoryPresenceTtl.TotalSeconds * timeProvider.TimestampFrequency);
        PresenceCapacity = settings.HistoryPresenceMaxEntries;
        _presence = settings.Enabled && IncludeSubjectsWithoutHistory && _presenceTtlTicks > 0
            ? new ConcurrentLru<string, Presence>(settings.HistoryPresenceMaxEntries)
            : null;
        _instrumentation = instrumentation;
    }

    /// <summary>Whether the cache is on.</summary>
    public bool Enabled => _lru is not null;

    /// <summary>Whether a caller with a subject but no history may be answered from the cache.</summary>
    public bool IncludeSubjectsWithoutHistory { get; }

    /// <summary>The most entries held.</summary>
    public int Capacity { get; }

    /// <summary>Entries held now (never more than <see cref="Capacity"/>).</summary>
    public int Count => _lru?.Count ?? 0;

    /// <summary>The most subjects whose history presence is remembered.</summary>
    public int PresenceCapacity { get; }

    /// <summary>Subjects whose history presence is remembered now (never more than <see cref="PresenceCapacity"/>).</summary>
    public int PresenceCount => _presence?.Count ?? 0;

    /// <summary>What this instance knows of the subject's history (within the presence TTL).</summary>
    public SubjectHistory HistoryOf(string subject)
        => _presence is not null && _presence.TryGet(subject, out var presence) && _timeProvider.GetTimestamp() < presence.Expires
            ? presence.HasHistory ? SubjectHistory.Some : SubjectHistory.None
            : SubjectHistory.Unknown;

    /// <summary>
    /// The subject's invalidation generation: take it before reading its history and hand it to
    /// <see cref="RecordHistory"/>, so that a read overtaken by <see cref="ForgetHistory"/> records nothing.
    /// </summary>
    public long GenerationOf(string subject) => Volatile.Read(ref _generations[Stripe(subject)]);

    /// <summary>
    /// Remembers the outcome of a successful read of the subject's history (both lists), unless the subject was
    /// forgotten since <paramref name="generation"/> was taken.
    /// </summary>
    public void RecordHistory(string subject, bool hasHistory, long generation)
    {
        if (_presence is null || GenerationOf(subject) != generation)
        {
            return;
        }

        _presence.AddOrUpdate(subject, new Presence(hasHistory, _timeProvider.GetTimestamp() + _presenceTtlTicks));

        // A ForgetHistory between the check and the write bumped the generation before removing: undo the write.
        if (GenerationOf(subject) != generation)
        {
            _presence.TryRemove(subject);
        }
    }

    /// <summary>Forgets what is known of the subject's history (its events were just written on this instance).</summary>
    public void ForgetHistory(string subject)
    {
        Interlocked.Increment(ref _generations[Stripe(subject)]);
        _presence?.TryRemove(subject);
    }

    /// <summary>The cache key of a call (its subject, if any, is known to carry no personal signal).</summary>
    public static Key KeyOf(
        SuggestRequest request, string normalizedPrefix, int limit, string indexVersion, string modelVersion, ExperimentAssignment? arm, object trending)
        => new(
            indexVersion,
            modelVersion,
            arm,
            trending,
            normalizedPrefix,
            limit,
            request.Stage,
            request.Scene,
            request.Context,
            request.CategoryFilters.Count == 0 ? string.Empty : string.Join('\u001f', request.CategoryFilters));

    /// <summary>
    /// The cached answer for <paramref name="key"/> as a new response with <paramref name="requestId"/>, or null;
    /// counts a hit or a miss.
    /// </summary>
    public SuggestResponse? TryGet(in Key key, string requestId)
    {
        if (_lru is null)
        {
            return null;
        }

        FlushOnIndexFlip(key.IndexVersion);
        if (_lru.TryGet(key, out var entry) && _timeProvider.GetTimestamp() < entry.Expires)
        {
            _instrumentation.ResponseCacheHit();
            var metadata = entry.Metadata.Clone();
            metadata.RequestId = requestId;
            var response = new SuggestResponse { Metadata = metadata };
            response.Items.Add(entry.Items);
            return response;
        }

        _instrumentation.ResponseCacheMiss();
        return null;
    }

    /// <summary>Caches a computed answer unless it is degraded. The items are shared by later hits and never mutated.</summary>
    public void Set(in Key key, SuggestResponse response)
    {
        if (_lru is null || response.Metadata is not { Degraded: false } metadata)
        {
            return;
        }

        var items = new RepeatedField<RecommendedQuery>();
        foreach (var item in response.Items)
        {
            items.Add(item.Clone());
        }

        _lru.AddOrUpdate(key with { Context = key.Context?.Clone() }, new Entry(metadata.Clone(), items, _timeProvider.GetTimestamp() + _ttlTicks));
    }

    /// <summary>Drops every entry.</summary>
    public void Clear() => _lru?.Clear();

    /// <summary>A new index version makes every entry of the old one unreachable: drop them at once.</summary>
    private void FlushOnIndexFlip(string version)
    {
        var seen = Volatile.Read(ref _indexVersion);
        if (seen != version && Interlocked.CompareExchange(ref _indexVersion, version, seen) == seen && seen is not null)
        {
            _lru!.Clear();
        }
    }

    /// <summary>What a cached answer depends on (besides the time within the TTL).</summary>
    /// <param name="IndexVersion">The served index version.</param>
    /// <param name="ModelVersion">The version of the model that ranks, or the heuristic's.</param>
    /// <param name="Arm">The experiment assignment (compared by reference: one object per assignment), null without arm.</param>
    /// <param name="Trending">The trending snapshot (compared by reference: one object per refresh).</param>
    /// <param name="Prefix">The normalized prefix.</param>
    /// <param name="Limit">The effective limit.</param>
    /// <param name="Stage">The request's stage.</param>
    /// <param name="Scene">The request's scene.</param>
    /// <param name="Context">The request's page context (protobuf value equality), null when absent.</param>
    /// <param name="Filters">The category filters, joined.</param>
    internal readonly record struct Key(
        string IndexVersion,
        string ModelVersion,
        ExperimentAssignment? Arm,
        object Trending,
        string Prefix,
        int Limit,
        Stage Stage,
        Scene Scene,
        PageContext? Context,
        string Filters);

    private static int Stripe(string subject) => subject.GetHashCode() & (GenerationStripes - 1);

    private sealed record Entry(ResponseMetadata Metadata, RepeatedField<RecommendedQuery> Items, long Expires);

    /// <summary>Whether a subject had history when read, and until when that is trusted.</summary>
    private readonly record struct Presence(bool HasHistory, long Expires);
}

/// <summary>What one instance knows of a subject's recent queries and viewed items.</summary>
internal enum SubjectHistory
{
    /// <summary>Not read within the presence TTL, forgotten since, or the last read failed.</summary>
    Unknown,

    /// <summary>Both lists were read as empty: the subject carries no personal signal.</summary>
    None,

    /// <summary>At least one list was not empty.</summary>
    Some,
}
