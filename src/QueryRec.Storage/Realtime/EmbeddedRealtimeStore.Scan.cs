namespace QueryRec.Storage.Realtime;

/// <summary>The subject scan of push export: every subject with recent queries or viewed items within the history TTL.</summary>
public sealed partial class EmbeddedRealtimeStore
{
    /// <inheritdoc />
    public async IAsyncEnumerable<RecentEntry> ScanSubjectsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        foreach (var (subject, state) in _subjects)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DateTimeOffset? newest = null;
            lock (state)
            {
                foreach (var list in (EmbeddedRecentList[])[state.RecentQueries, state.ViewedItems])
                {
                    if (list.Read(1, now, _options.HistoryTtl) is [var first] && (newest is null || first.Time > newest))
                    {
                        newest = first.Time;
                    }
                }
            }

            if (newest is { } time)
            {
                yield return new RecentEntry(subject, time);
            }
        }

        await Task.CompletedTask;
    }
}
