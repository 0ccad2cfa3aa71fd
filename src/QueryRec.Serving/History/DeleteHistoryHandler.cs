using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Time;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.History;

/// <summary>
/// DeleteHistory: deletes one query (normalized like a search) or the whole search history of the caller. With both
/// ids, the device's list is cleared of it too: it has not merged into the user's yet, and the next event of that
/// device would bring the deleted query back. The answer is the number of entries that went, over both lists. A
/// failed or late store write fails the call with <see cref="StoreUnavailableException"/> (never a degraded success:
/// the caller must not believe it is gone).
/// Every later read sees the deletion: the lists are the one source of history features, "searched before", shading
/// and discovery seeds, and the Suggest response cache forgets what it knew of the subjects.
/// </summary>
internal sealed class DeleteHistoryHandler(
    IRealtimeStore store,
    IOptions<RealtimeOptions> realtimeOptions,
    EventClock eventClock,
    TimeProvider timeProvider,
    SuggestResponseCache? responseCache = null)
{
    public async Task<DeleteHistoryResponse> HandleAsync(DeleteHistoryRequest request, RequestContext call, CancellationToken cancellationToken)
    {
        var query = Validate(request);
        var subjects = new List<string>(2);
        if (request.UserId.Length > 0)
        {
            subjects.Add(RealtimeSubject.User(request.UserId));
        }

        if (request.DeviceId.Length > 0)
        {
            subjects.Add(RealtimeSubject.Device(request.DeviceId));
        }

        var response = new DeleteHistoryResponse { Metadata = new ResponseMetadata { RequestId = RequestIds.New(eventClock.Now) } };
        call.Stamp(response.Metadata);
        IReadOnlyCollection<string>? queries = query is null ? null : [query];
        try
        {
            var deleted = await Task.WhenAll(subjects.Select(s => store.DeleteRecentQueriesAsync(s, queries, CancellationToken.None)))
                .WaitAsync(call.Limit(realtimeOptions.Value.StoreBudget), timeProvider, cancellationToken);
            response.Deleted = deleted.Sum();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StoreUnavailableException("The history could not be deleted now; retry (deleting is idempotent).", ex);
        }
        finally
        {
            // Also after a failure: the write may have landed.
            foreach (var subject in subjects)
            {
                responseCache?.ForgetHistory(subject);
            }
        }

        return response;
    }

    /// <summary>Validates the request; returns the normalized query to delete, or null to delete all.</summary>
    private static string? Validate(DeleteHistoryRequest request)
    {
        var validation = new RequestValidation();
        if (request.UserId.Length == 0 && request.DeviceId.Length == 0)
        {
            validation.Add("user_id", "user_id or device_id is required.");
        }

        validation.MaxLength("user_id", request.UserId, Limits.MaxIdLength);
        validation.MaxLength("device_id", request.DeviceId, Limits.MaxIdLength);
        string? query = null;
        if (request.All)
        {
            if (request.Query.Length > 0)
            {
                validation.Add("query", "must be empty when all is set.");
            }
        }
        else if (request.Query.Length == 0)
        {
            validation.Add("query", "is required unless all is set.");
        }
        else if (request.Query.Length > Limits.MaxQueryLength)
        {
            validation.MaxLength("query", request.Query, Limits.MaxQueryLength);
        }
        else
        {
            query = QueryNormalizer.Normalize(request.Query);
            if (query.Length == 0)
            {
                validation.Add("query", "must contain at least one visible character.");
            }
        }

        validation.ThrowIfInvalid();
        return query;
    }
}
