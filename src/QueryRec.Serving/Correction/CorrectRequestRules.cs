using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Serving.Correction;

/// <summary>The rules of a Correct request; returns the normalized query of a valid one.</summary>
internal static class CorrectRequestRules
{
    /// <summary>Largest result count a request may carry (also for Discover's <c>result_count</c>).</summary>
    public const int MaxResultCount = 1_000_000_000;

    public static string Validate(CorrectRequest request)
    {
        var validation = new RequestValidation();
        validation.Common(request.UserId, request.DeviceId, request.Stage, request.Scene, request.Context);
        if (request.Stage is not (Stage.Unspecified or Stage.Browsing) && System.Enum.IsDefined(request.Stage))
        {
            validation.Add("stage", $"must be STAGE_BROWSING or unspecified for Correct (got {request.Stage}).");
        }

        if (request.HasResultCount)
        {
            validation.Range("result_count", request.ResultCount, 0, MaxResultCount);
        }

        var normalized = string.Empty;
        if (string.IsNullOrEmpty(request.Query))
        {
            validation.Add("query", "is required.");
        }
        else if (request.Query.Length > Limits.MaxQueryLength)
        {
            validation.Add("query", $"must be at most {Limits.MaxQueryLength} characters (got {request.Query.Length}).");
        }
        else
        {
            normalized = QueryNormalizer.Normalize(request.Query);
            if (normalized.Length == 0)
            {
                validation.Add("query", "must contain at least one visible character.");
            }
        }

        validation.ThrowIfInvalid();
        return normalized;
    }
}
