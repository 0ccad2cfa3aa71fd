using QueryRec.Contracts.Admin.V1;
using QueryRec.Core;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Suggest;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.History;

/// <summary>
/// Erasure of one subject (right to be forgotten): every per-subject record of the real-time store goes, and the
/// Suggest response cache forgets the subject. Exactly one of user id and device id names the subject: a person with
/// both is erased with two calls, so that an operator never erases a device by a user's request by accident.
/// </summary>
internal sealed class SubjectEraser(IRealtimeStore store, SuggestResponseCache? responseCache = null)
{
    public async Task<ForgetSubjectResponse> ForgetAsync(ForgetSubjectRequest request, CancellationToken cancellationToken)
    {
        var subject = Validate(request);
        try
        {
            return new ForgetSubjectResponse { Erased = await store.EraseSubjectAsync(subject, cancellationToken) };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StoreUnavailableException("The subject could not be erased now; retry (erasure is idempotent).", ex);
        }
        finally
        {
            responseCache?.ForgetHistory(subject);
        }
    }

    private static string Validate(ForgetSubjectRequest request)
    {
        var validation = new RequestValidation();
        if ((request.UserId.Length == 0) == (request.DeviceId.Length == 0))
        {
            validation.Add("user_id", "exactly one of user_id and device_id is required.");
        }

        validation.MaxLength("user_id", request.UserId, Limits.MaxIdLength);
        validation.MaxLength("device_id", request.DeviceId, Limits.MaxIdLength);
        validation.ThrowIfInvalid();
        return request.UserId.Length > 0 ? RealtimeSubject.User(request.UserId) : RealtimeSubject.Device(request.DeviceId);
    }
}
