using Microsoft.Extensions.Options;
using QueryRec.Core.Matching;
using QueryRec.Serving.Recall;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Index;

/// <summary>
/// The index version this server answers from. A request reads <see cref="Current"/> once and does all its
/// reads through that snapshot, so no answer mixes two versions even while a publish flips the pointer.
/// </summary>
public sealed class ActiveIndex(IIndexStore store, IOptions<StoreOptions> options, IOptions<MatchingOptions> matching, ILogger<ActiveIndex> logger)
{
    private volatile ServingIndex? _current;

    // The snapshot of a version whose activation has not finished (a read timed out): the next attempt for the same
    // version goes on with it, so a load that takes longer than one read's timeout (a packed version's text table at
    // 10^7 queries) carries on in the background instead of starting over on every poll.
    private IIndexSnapshot? _pending;

    // Completed (and replaced) each time a version is switched in, so waiters need not poll.
    private TaskCompletionSource _switched = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The store the snapshots come from.</summary>
    public IIndexStore Store => store;

    /// <summary>The active version, or null before any index is loaded.</summary>
    public ServingIndex? Current => _current;

    /// <summary>
    /// Switches to <paramref name="version"/> if it is not already active, reading how it was built first.
    /// Returns the previous version when it switched.
    /// </summary>
    internal async Task<(bool Switched, string? Previous)> TryActivateAsync(string version, CancellationToken cancellationToken)
    {
        var previous = _current?.Snapshot.Version;
        if (string.Equals(previous, version, StringComparison.Ordinal))
        {
            return (false, previous);
        }

        var pending = Volatile.Read(ref _pending);
        var snapshot = pending is not null && string.Equals(pending.Version, version, StringComparison.Ordinal)
            ? pending
            : store.OpenSnapshot(version);
        Volatile.Write(ref _pending, snapshot);
        var info = await snapshot.GetInfoAsync(cancellationToken);
        var nearKeys = await NearDuplicateFoldsReader.ReadAsync(snapshot, info, cancellationToken);
        var maxPrefixLength = info is { MaxPrefixLength: > 0 } ? info.MaxPrefixLength : options.Value.MaxIndexedPrefixLength;
        var fuzzy = matching.Value is { Fuzzy: true } m && info is { VocabularyChunks: > 0 }
            ? FuzzyVocabulary.StartBuilding(snapshot, info.VocabularyChunks, maxPrefixLength, m.MaxFuzzyVocabulary, logger)
            : FuzzyVocabulary.None;
        _current = new ServingIndex(snapshot, maxPrefixLength)
        {
            Info = info ?? new IndexInfo(),
            Fuzzy = fuzzy,
            NearKeys = nearKeys,
        };
        Interlocked.CompareExchange(ref _pending, null, snapshot);
        Interlocked.Exchange(ref _switched, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return (true, previous);
    }

    /// <summary>
    /// Completes once <paramref name="version"/> is served and its typo-tolerant matcher is built. A server answers
    /// while the matcher builds (without typo tolerance); a replay must not, or its answers would depend on how fast
    /// the build was.
    /// </summary>
    public async Task WhenServingAsync(string version, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before Current is read: a switch after the read completes this task.
            var switched = Volatile.Read(ref _switched).Task;
            if (_current is { } current && string.Equals(current.Version, version, StringComparison.Ordinal))
            {
                await current.Fuzzy.Building.WaitAsync(cancellationToken);
                return;
            }

            await switched.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Completes once the version served now (if any) has its typo-tolerant matcher built.</summary>
    public Task WhenCurrentReadyAsync() => _current?.Fuzzy.Building ?? Task.CompletedTask;
}

/// <summary>One index version being served, with how it was built.</summary>
/// <param name="Snapshot">Reads of that version only.</param>
/// <param name="MaxPrefixLength">The longest prefix, in runes, that has its own node.</param>
public sealed record ServingIndex(IIndexSnapshot Snapshot, int MaxPrefixLength)
{
    /// <summary>The version id.</summary>
    public string Version => Snapshot.Version;

    /// <summary>How the version was built (an empty description for an index that has none).</summary>
    public IndexInfo Info { get; init; } = new();

    /// <summary>The version's collapse keys (spacing folds decided by the build; none for an older version).</summary>
    public NearDuplicateKeys NearKeys { get; init; } = NearDuplicateKeys.None;

    /// <summary>The version's typo-tolerant matcher (built in the background after activation).</summary>
    internal FuzzyVocabulary Fuzzy { get; init; } = FuzzyVocabulary.None;
}
