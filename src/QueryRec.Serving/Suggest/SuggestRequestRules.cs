using QueryRec.Contracts.V1;
using QueryRec.Core;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Pipeline;

namespace QueryRec.Serving.Suggest;

/// <summary>The rules of a Suggest request; returns the normalized prefix of a valid one.</summary>
internal static class SuggestRequestRules
{
    public static string Validate(SuggestRequest request)
    {
        var validation = new RequestValidation();
        validation.Common(request.UserId, request.DeviceId, request.Stage, request.Scene, request.Context);
        validation.Range("limit", request.Limit, 0, Limits.MaxSuggestLimit, " (0 means the default)");
        validation.CategoryFilters("category_filters", request.CategoryFilters);
        var normalized = string.Empty;
        if (string.IsNullOrEmpty(request.Prefix))
        {
            validation.Add("prefix", "is required.");
        }
        else if (request.Prefix.Length > Limits.MaxPrefixLength)
        {
            validation.Add("prefix", $"must be at most {Limits.MaxPrefixLength} characters (got {request.Prefix.Length}).");
        }
        else
        {
            normalized = QueryNormalizer.NormalizePrefix(request.Prefix);
            if (normalized.Trim().Length == 0)
            {
                validation.Add("prefix", "must contain at least one visible character.");
            }
        }

        validation.ThrowIfInvalid();
        return normalized;
    }
}
