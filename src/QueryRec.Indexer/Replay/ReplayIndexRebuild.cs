using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Replay;

/// <summary>
/// The nightly indexer job of a streaming replay (<see cref="StreamingReplayOptions.RebuildEvery"/>): at each rebuild
/// time, an index is built from the replayed log's events before that time (default build options, like the index
/// the replay started from) and published to the running service, which swaps it in as a deployed server follows a
/// publish. Only events the service has already been sent (or that the first index held) go into it.
/// </summary>
internal static class ReplayIndexRebuild
{
    /// <summary>The rebuild callback for <see cref="StreamingReplay.RunAsync"/>; <paramref name="events"/> must be sorted by time.</summary>
    public static Func<DateTimeOffset, CancellationToken, Task> For(IReadOnlyList<LogEvent> events, InProcessPipeline service, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return (at, cancellationToken) =>
        {
            var built = IndexBuilder.Build(events.TakeWhile(e => e.Time < at), new BuildOptions(), timeProvider);
            return service.PublishIndexAsync(built.Build, cancellationToken);
        };
    }
}
