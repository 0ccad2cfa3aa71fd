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

    private sealed class Snapshot(IIndexSnapshot inner, TimeSpan load) : ForwardingIndexSnapshot(inner)
    {
        private readonly Lazy<Task> _loaded = new(() => Task.Delay(load));

        public override async ValueTask<IndexInfo?> GetInfoAsync(CancellationToken cancellationToken = default)
        {
            await _loaded.Value.WaitAsync(cancellationToken);
            return await base.GetInfoAsync(cancellationToken);
        }
    }
}
