using Google.Protobuf.WellKnownTypes;
using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Replay;

/// <summary>How <see cref="StreamingReplay.RunAsync"/> replays.</summary>
/// <param name="TestFrom">The split: search events at or after it are test searches (Suggest, then report).</param>
internal sealed record StreamingReplayOptions(DateTimeOffset TestFrom)
{
    /// <summary>Events in [<see cref="WarmupFrom"/>, <see cref="TestFrom"/>) are only reported (history, trending); null: none.</summary>
    public DateTimeOffset? WarmupFrom { get; init; }

    /// <summary>Prefix lengths asked: 1 .. min(MaxPrefix, runes of the query); 0 asks no Suggest (a Discover replay).</summary>
    public int MaxPrefix { get; init; } = 10;

    /// <summary>The Suggest limit.</summary>
    public int Limit { get; init; } = 10;

    /// <summary>
    /// Most time between the oldest and newest event of one ReportEvents batch (the replay clock moves to the
    /// newest, and an event older than now minus the dedupe window would be refused).
    /// </summary>
    public TimeSpan MaxBatchSpan { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A nightly indexer job: every this long of replayed time after <see cref="TestFrom"/> (at TestFrom + k × the
    /// span) the replay hands the time to its rebuild callback, which builds an index from the events before it and
    /// publishes it to the running service, before any later event is reported or asked about. Null: the index the
    /// service started with stays (the default).
    /// </summary>
    public TimeSpan? RebuildEvery { get; init; }

    /// <summary>
    /// Whether events are reported. False is the cold state: the service's real-time store stays as it started (empty
    /// for a fresh service), so its answers come from the index alone; only the test searches' Suggest calls are made
    /// (and the rebuilds, which feed the index, not the real-time store).
    /// </summary>
    public bool Report { get; init; } = true;

    /// <summary>The first replayed time: the warmup start when there is one, else the test start.</summary>
    public DateTimeOffset ReplayFrom => WarmupFrom is { } w && w < TestFrom ? w : TestFrom;

    /// <summary>
    /// The in-process service's settings for this replay: its replay clock starts at <see cref="ReplayFrom"/> (so
    /// the first reported events are not judged older than the dedupe window against a later start, such as the
    /// index's anchor), then <paramref name="settings"/>.
    /// </summary>
    public Dictionary<string, string?> ServiceSettings(IReadOnlyDictionary<string, string?> settings)
    {
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["QueryRec:Clock:ReplayStart"] = ReplayFrom.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings)
        {
            merged[key] = value;
        }

        return merged;
    }
}

/// <summary>What a replay did.</summary>
/// <param name="TestSearches">Search events replayed as tests (asked, then reported unless <see cref="StreamingReplayOptions.Report"/> is false).</param>
/// <param name="Suggests">Suggest calls made.</param>
/// <param name="DegradedSuggests">Suggest answers flagged degraded.</param>
/// <param name="Reported">Events sent with ReportEvents.</param>
/// <param name="Accepted">Events the service accepted.</param>
/// <param name="Rejected">Events the service rejected.</param>
/// <param name="Duplicates">Events the service reported as duplicates.</param>
/// <param name="Skipped">Events not sent: outside the replayed time range, or not mappable (a click without an item).</param>
/// <param name="Batches">ReportEvents calls made.</param>
/// <param name="Rebuilds">Indexes rebuilt and published during the replay (<see cref="StreamingReplayOptions.RebuildEvery"/>).</param>
internal sealed record StreamingReplayStats(
    long TestSearches,
    long Suggests,
    long DegradedSuggests,
    long Reported,
    long Accepted,
    long Rejected,
    long Duplicates,
    long Skipped,
    long Batches,
    long Rebuilds = 0)
{
    /// <summary>The counts of two replays together.</summary>
    public StreamingReplayStats Plus(StreamingReplayStats other) => new(
        TestSearches + other.TestSearches,
        Suggests + other.Suggests,
        DegradedSuggests + other.DegradedSuggests,
        Reported + other.Reported,
        Accepted + other.Accepted,
        Rejected + other.Rejected,
        Duplicates + other.Duplicates,
        Skipped + other.Skipped,
        Batches + other.Batches,
        Rebuilds + other.Rebuilds);
}

/// <summary>
/// Replays a log through a running service the way it lives in production (docs/ranking.md, "Evaluation"): events in
/// time order; for each test search (at or after the split, with a non-empty normalized query) first one Suggest per
/// prefix as that user, then the event itself is reported. Every other event in range is reported in order, in
/// batches of at most <see cref="Limits.MaxEventsPerBatch"/> that never cross a test search (none at all when
/// <see cref="StreamingReplayOptions.Report"/> is false). Sequential, so the same log and settings give the same answers.
/// </summary>
internal static class StreamingReplay
{
    /// <summary>
    /// Runs the replay; <paramref name="events"/> must be sorted by time. With <see cref="StreamingReplayOptions.RebuildEvery"/>,
    /// <paramref name="rebuild"/> is awaited at each rebuild time (after the events before it are reported).
    /// <paramref name="onTestSearch"/>, when given, is awaited for each test search before its Suggest calls.
    /// </summary>
    public static async Task<StreamingReplayStats> RunAsync(
        IReadOnlyList<LogEvent> events,
        IReplayTarget client,
        StreamingReplayOptions options,
        Func<LogEvent, string, int, SuggestResponse, ValueTask> onSuggest,
        CancellationToken cancellationToken,
        Func<DateTimeOffset, CancellationToken, Task>? rebuild = null,
        Func<LogEvent, string, ValueTask>? onTestSearch = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(onSuggest);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPrefix, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Limit, Limits.MaxSuggestLimit);
        if (options.RebuildEvery is { } every && (every <= TimeSpan.Zero || rebuild is null))
        {
            throw new ArgumentException("RebuildEvery must be positive and needs a rebuild callback.", nameof(options));
        }

        DateTimeOffset? nextRebuild = options.TestFrom + options.RebuildEvery;
        long rebuilds = 0;

        var from = options.ReplayFrom;
        var batch = new ReportEventsRequest();
        DateTimeOffset batchStart = default;
        long tests = 0, suggests = 0, degraded = 0, reported = 0, accepted = 0, rejected = 0, duplicates = 0, skipped = 0, batches = 0;
        for (var i = 0; i < events.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var e = events[i];
            if (i > 0 && e.Time < events[i - 1].Time)
            {
                throw new ArgumentException($"events must be sorted by time (event {i} is earlier than event {i - 1}).", nameof(events));
            }

            if (nextRebuild is { } due && e.Time >= due)
            {
                // The latest rebuild time passed (a gap of several spans without events rebuilds once: the same events).
                var span = options.RebuildEvery!.Value;
                var at = due + (span * Math.Floor((e.Time - due) / span));
                await FlushAsync();
                await rebuild!(at, cancellationToken);
                rebuilds++;
                nextRebuild = at + span;
            }

            if (e.Time < from || ToEvent(e, i) is not { } message)
            {
                skipped++;
                continue;
            }

            if (e.Type == LogEventType.Search && e.Time >= options.TestFrom && QueryNormalizer.Normalize(e.Query) is { Length: > 0 } query)
            {
                await FlushAsync();
                tests++;
                if (onTestSearch is not null)
                {
                    // Everything before this search is reported: the service answers as the user's page before it.
                    await onTestSearch(e, query);
                }

                var n = Math.Min(options.MaxPrefix, QueryNormalizer.RuneCount(query));
                for (var length = 1; length <= n; length++)
                {
                    var request = new SuggestRequest
                    {
                        UserId = e.UserId,
                        Stage = Stage.InSearch,
                        Scene = Scene.SearchResult,
                        Prefix = QueryNormalizer.TruncateRunes(query, length),
                        Limit = options.Limit,
                    };
                    var response = await client.SuggestAsync(request, cancellationToken);
                    suggests++;
                    if (response.Metadata?.Degraded == true)
                    {
                        degraded++;
                    }

                    await onSuggest(e, query, length, response);
                }
            }

            if (!options.Report)
            {
                continue;
            }

            if (batch.Events.Count > 0 && (batch.Events.Count >= Limits.MaxEventsPerBatch || e.Time - batchStart > options.MaxBatchSpan))
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
        return new StreamingReplayStats(tests, suggests, degraded, reported, accepted, rejected, duplicates, skipped, batches, rebuilds);

        async Task FlushAsync()
        {
            if (batch.Events.Count == 0)
            {
                return;
            }

            var response = await client.ReportEventsAsync(batch, cancellationToken);
            batches++;
            reported += batch.Events.Count;
            accepted += response.Accepted;
            rejected += response.Rejected.Count;
            duplicates += response.Duplicates;
            batch = new ReportEventsRequest();
        }
    }

    /// <summary>
    /// The public event a storefront would send for <paramref name="e"/> (event id "replay-{index}"): a search as
    /// SEARCH_SUBMITTED, a click as ITEM_CLICKED on the result page of its query (with item and category), a cart add
    /// as ADD_TO_CART and an order as ORDER (with its amount). Null when it cannot be sent (an item event without an item).
    /// </summary>
    public static Event? ToEvent(LogEvent e, int index)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = new Event
        {
            EventId = "replay-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Time = Timestamp.FromDateTimeOffset(e.Time),
            UserId = e.UserId,
            Query = e.Query ?? string.Empty,
            ItemId = e.ItemId ?? string.Empty,
            CategoryId = e.CategoryId ?? string.Empty,
        };
        switch (e.Type)
        {
            case LogEventType.Search:
                message.Type = EventType.SearchSubmitted;
                message.Scene = Scene.SearchResult;
                return message;
            case LogEventType.Click:
                message.Type = EventType.ItemClicked;
                message.Scene = Scene.SearchResult;
                break;
            case LogEventType.Cart:
                message.Type = EventType.AddToCart;
                message.Scene = Scene.Item;
                break;
            case LogEventType.Order:
                message.Type = EventType.Order;
                message.Scene = Scene.Item;
                message.Amount = e.Amount is { } amount ? (double)amount : 0;
                break;
            default:
                return null;
        }

        return string.IsNullOrEmpty(message.ItemId) ? null : message;
    }
}
