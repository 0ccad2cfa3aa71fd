using QueryRec.Storage;

namespace QueryRec.Api.Index;

/// <summary>
/// The index version this server answers from. A request reads <see cref="Current"/> once and does all its
/// reads through that snapshot, so no answer mixes two versions even while a publish flips the pointer.
/// </summary>
public sealed class ActiveIndex(IIndexStore store)
{
    private volatile IIndexSnapshot? _current;

    /// <summary>The store the snapshots come from.</summary>
    public IIndexStore Store => store;

    /// <summary>The active snapshot, or null before any index is loaded.</summary>
    public IIndexSnapshot? Current => _current;

    /// <summary>True once an index is loaded (the readiness condition).</summary>
    public bool IsReady => _current is not null;

    /// <summary>Switches to <paramref name="version"/> if it is not already active; returns the previous version when it switched.</summary>
    internal bool TryActivate(string version, out string? previous)
    {
        previous = _current?.Version;
        if (string.Equals(previous, version, StringComparison.Ordinal))
        {
            return false;
        }

        _current = store.OpenSnapshot(version);
        return true;
    }
}
