using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Events;

/// <summary>
/// ReportEvents: validates a batch of 1 to <see cref="Limits.MaxEventsPerBatch"/> events, rejects the bad ones with
/// per-event reasons, drops those already seen (same event id in the batch or within the dedupe window) and writes
/// the rest to the real-time namespace. When the real-time store fails or misses its budget the answer is degraded
/// with <c>accepted = 0</c>: nothing is claimed stored, and a retry with the same ids is safe. With the
/// <see cref="ReplayClock"/> on, the batch first moves "now" to its newest event time, and an accepted batch
/// refreshes the trending list once replay time has moved past its refresh interval; outside replay, the accepted
/// searches are counted toward an early trending refresh (<see cref="TrendingQueries.NoteSearches"/>). Once the write has ended (even
/// failed), the Suggest response cache forgets what it knew of the history of the batch's subjects, so that their next
/// Suggest call on this instance reads the new history. An accepted event with both a user id and a device id first
/// moves the device's search history into the user's (login merge, once per pair and batch).
/// </summary>
internal sealed class ReportEventsHandler(
    IRealtimeStore store,
    IOptions<RealtimeOptions> realtimeOptions,
    EventClock eventClock,
    TimeProvider timeProvider,
    ILogger<ReportEventsHandler> logger,
    TrendingQueries? trending = null,
    Suggest.SuggestResponseCache? responseCache = null)
{
    /// <summary>Degraded reason when the real-time store threw.</summary>
    public const string StoreErrorReason = "realtime_store_error";

    /// <summary>Degraded reason when the real-time store missed its budget.</summary>
    public const string StoreTimeoutReason = "realtime_store_timeout";

    public async Task<ReportEventsResponse> HandleAsync(ReportEventsRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        ValidateBatch(request);
        var options = realtimeOptions.Value;
        var replay = eventClock.Replay;
        if (replay is not null)
        {
            AdvanceReplayClock(replay, request);
        }

        var now = eventClock.Now;
        var response = new ReportEventsResponse
        {
            Metadata = new ResponseMetadata { RequestId = RequestIds.New(now) },
        };
        call.Stamp(response.Metadata);

        var valid = new List<ValidEvent>(request.Events.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var duplicatesInBatch = 0;
        using var validate = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Validate);
        validate?.SetTag(QueryRecTelemetry.Attributes.Events, request.Events.Count);
        for (var i = 0; i < request.Events.Count; i++)
        {
            if (!EventValidator.TryValidate(request.Events[i], i, now, options.DedupeWindow, out var e, out var rejection))
            {
                response.Rejected.Add(rejection);
            }
            else if (!ids.Add(e.EventId))
            {
                duplicatesInBatch++;
            }
            else
            {
                valid.Add(e);
            }
        }

        validate?.Dispose();
        if (valid.Count == 0)
        {
            response.Duplicates = duplicatesInBatch;
            return response;
        }

        // The store work runs to its end even past the budget, so that a failure after the answer still
        // releases the event ids it marked (see StoreAsync).
        using var storeSpan = QueryRecTelemetry.Source.StartActivity(QueryRecTelemetry.Spans.Store);
        var work = StoreAsync(valid);
        try
        {
            var (accepted, duplicates) = await work.WaitAsync(call.Limit(options.StoreBudget), timeProvider, cancellationToken);
            response.Accepted = accepted;
            response.Duplicates = duplicates + duplicatesInBatch;
            if (replay is not null && accepted > 0 && trending is not null)
            {
                await trending.RefreshIfDueAsync(cancellationToken);
            }
        }
        catch (TimeoutException ex)
        {
            EventsLog.RealtimeStoreDegraded(logger, ex, store.Name, StoreTimeoutReason);
            LogLateFailure(work);
            Degraded.Mark(response.Metadata, StoreTimeoutReason);
        }
        catch (OperationCanceledException)
        {
            LogLateFailure(work);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            EventsLog.RealtimeStoreDegraded(logger, ex, store.Name, StoreErrorReason);
            Degraded.Mark(response.Metadata, StoreErrorReason);
        }

        return response;
    }

    /// <summary>Marks the ids seen, applies the new events, and on a failed apply forgets the ids it marked.</summary>
    private async Task<(int Accepted, int Duplicates)> StoreAsync(List<ValidEvent> events)
    {
        var ids = new string[events.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = events[i].EventId;
        }

        var isNew = await store.MarkEventsSeenAsync(ids, CancellationToken.None);
        var fresh = new List<string>(ids.Length);
        var updates = new List<RealtimeUpdate>(ids.Length * 3);
        HashSet<(string Device, string User)>? logins = null;
        for (var i = 0; i < ids.Length; i++)
        {
            if (isNew[i])
            {
                fresh.Add(ids[i]);
                events[i].AddUpdates(updates);
                if (events[i].DeviceSubject is { } device)
                {
                    (logins ??= []).Add((device, events[i].Subject));
                }
            }
        }

        if (updates.Count > 0)
        {
            try
            {
                if (logins is not null)
                {
                    await MergeLoginsAsync(logins);
                }

                await store.ApplyAsync(updates, CancellationToken.None);
            }
            catch (Exception)
            {
                ForgetHistory(updates);
                try
                {
                    await store.ForgetEventsAsync(fresh, CancellationToken.None);
                }
                catch (Exception forgetError)
                {
                    EventsLog.RealtimeForgetFailed(logger, forgetError, store.Name, fresh.Count);
                }

                throw;
            }

            ForgetHistory(updates);
            trending?.NoteSearches(CountSearches(updates));
        }

        return (fresh.Count, ids.Length - fresh.Count);
    }

    /// <summary>Moves each logged-in device's search history into its user's; both subjects' history changed.</summary>
    private async Task MergeLoginsAsync(HashSet<(string Device, string User)> logins)
    {
        await Task.WhenAll(logins.Select(l => store.MoveRecentQueriesAsync(l.Device, l.User, CancellationToken.None)));
        foreach (var (device, user) in logins)
        {
            responseCache?.ForgetHistory(device);
            responseCache?.ForgetHistory(user);
        }
    }

    /// <summary>
    /// The subjects whose recent queries or viewed items the updates touched: the response cache must read their
    /// history again (called after the write, so that a read that raced it cannot leave "no history" behind).
    /// </summary>
    private void ForgetHistory(List<RealtimeUpdate> updates)
    {
        if (responseCache is null)
        {
            return;
        }

        foreach (var update in updates)
        {
            if (update.Kind is RealtimeUpdateKind.RecentQuery or RealtimeUpdateKind.ViewedItem)
            {
                responseCache.ForgetHistory(update.Subject);
            }
        }
    }

    private static int CountSearches(List<RealtimeUpdate> updates)
    {
        var searches = 0;
        foreach (var update in updates)
        {
            if (update.Kind == RealtimeUpdateKind.Trending)
            {
                searches++;
            }
        }

        return searches;
    }

    private void LogLateFailure(Task work)
        => _ = work.ContinueWith(
            static (task, state) => EventsLog.RealtimeStoreLateFailure((ILogger)state!, task.Exception!.GetBaseException()),
            logger,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private static void AdvanceReplayClock(ReplayClock replay, ReportEventsRequest request)
    {
        DateTimeOffset? newest = null;
        foreach (var e in request.Events)
        {
            if (e.Time is { Seconds: >= MinReplaySeconds and <= MaxReplaySeconds, Nanos: >= 0 and <= 999_999_999 } t
                && t.ToDateTimeOffset() is var time && (newest is null || time > newest))
            {
                newest = time;
            }
        }

        if (newest is { } n)
        {
            replay.AdvanceTo(n);
        }
    }

    // Replay times the clock may move to: 1970 to 9999 (a bad timestamp is rejected by validation instead).
    private const long MinReplaySeconds = 0;
    private const long MaxReplaySeconds = 253_402_300_799;

    private static void ValidateBatch(ReportEventsRequest request)
    {
        var validation = new RequestValidation();
        if (request.Events.Count == 0)
        {
            validation.Add("events", $"must hold 1 to {Limits.MaxEventsPerBatch} events (got 0).");
        }
        else if (request.Events.Count > Limits.MaxEventsPerBatch)
        {
            validation.Add("events", $"must hold 1 to {Limits.MaxEventsPerBatch} events (got {request.Events.Count}).");
        }

        validation.ThrowIfInvalid();
    }

}
