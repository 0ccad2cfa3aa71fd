using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Push;

/// <summary>What feeding a log did: every event read is counted in exactly one of the outcomes.</summary>
/// <param name="Read">Valid events read from the log.</param>
/// <param name="AtOrAfterAsOf">Events at or after the export time: not sent (the export sees the state before it).</param>
/// <param name="Unmapped">Events that cannot be reported (an item event without an item).</param>
/// <param name="Accepted">Events the pipeline accepted.</param>
/// <param name="Rejected">Events the pipeline rejected (e.g. older than the dedupe window behind a later event: an unsorted log).</param>
/// <param name="Duplicates">Events the pipeline reported as duplicates.</param>
/// <param name="BadLines">Lines that are not events (reported with their line numbers).</param>
/// <param name="FirstRejection">The first rejection's field and reason, empty when none.</param>
internal sealed record PushFeedStats(long Read, long AtOrAfterAsOf, long Unmapped, long Accepted, long Rejected, long Duplicates, long BadLines, string FirstRejection);

/// <summary>
/// Feeds a JSONL event log (the real-time store's "exported log") into a pipeline with the replay clock, as the
/// storefront reported it: events before the export time, in file order, in ReportEvents batches of at most
/// <see cref="Limits.MaxEventsPerBatch"/> spanning at most an hour (the clock moves to each batch's newest event), read
/// as a stream. The log must be in time order, as <c>import</c> and <c>simulate</c> write it: an event more than the
/// dedupe window older than one before it is rejected by the pipeline and counted.
/// </summary>
internal static class PushEventFeed
{
    public static async Task<PushFeedStats> RunAsync(
        string path,
        IReplayTarget target,
        DateTimeOffset asOf,
        Action<ImportError> onBadLine,
        Action<long> onEvent,
        CancellationToken cancellationToken)
    {
        long read = 0, late = 0, unmapped = 0, accepted = 0, rejected = 0, duplicates = 0, bad = 0;
        var firstRejection = string.Empty;
        var batch = new ReportEventsRequest();
        DateTimeOffset batchStart = default;
        foreach (var e in JsonlEventFormat.ReadFile(path, error => { bad++; onBadLine(error); }))
        {
            cancellationToken.ThrowIfCancellationRequested();
            onEvent(++read);
            if (e.Time >= asOf)
            {
                late++;
                continue;
            }

            if (StreamingReplay.ToEvent(e, (int)Math.Min(read, int.MaxValue)) is not { } message)
            {
                unmapped++;
                continue;
            }

            message.EventId = "push-export-" + read.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (batch.Events.Count > 0 && (batch.Events.Count >= Limits.MaxEventsPerBatch || e.Time - batchStart > TimeSpan.FromHours(1)))
            {
                await FlushAsync();
            }

            if (batch.Events.Count == 0)
            {
                batchStart = e.Time;
            }

            batch.Events.Add(message);
        }

        await FlushAsync();
        return new PushFeedStats(read, late, unmapped, accepted, rejected, duplicates, bad, firstRejection);

        async Task FlushAsync()
        {
            if (batch.Events.Count == 0)
            {
                return;
            }

            var response = await target.ReportEventsAsync(batch, cancellationToken);
            accepted += response.Accepted;
            duplicates += response.Duplicates;
            rejected += response.Rejected.Count;
            if (firstRejection.Length == 0 && response.Rejected.Count > 0)
            {
                firstRejection = $"{response.Rejected[0].Field}: {response.Rejected[0].Reason}";
            }

            batch = new ReportEventsRequest();
        }
    }
}
