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

    private sealed class Snapshot(IIndexSnapshot inner, Task gate) : ForwardingIndexSnapshot(inner)
    {
        public override async ValueTask<VocabularyChunk?> GetVocabularyChunkAsync(int chunk, CancellationToken cancellationToken = default)
        {
            await gate.WaitAsync(cancellationToken);
            return await base.GetVocabularyChunkAsync(chunk, cancellationToken);
        }
    }
}
