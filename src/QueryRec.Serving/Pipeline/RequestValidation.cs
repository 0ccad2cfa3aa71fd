using System.Diagnostics.CodeAnalysis;
using QueryRec.Contracts.V1;
using QueryRec.Core;

namespace QueryRec.Serving.Pipeline;

/// <summary>
/// Collects field violations of one request and throws them as one <see cref="InvalidRequestException"/> naming every
/// offending field; the host turns it into its protocol's error (gRPC: INVALID_ARGUMENT with a BadRequest detail).
/// </summary>
internal sealed class RequestValidation
{
    /// <summary>
    /// Most violations an answer lists: a request with thousands of bad entries (a flood of unknown enum values)
    /// must not produce a status message larger than the request.
    /// </summary>
    public const int MaxReportedViolations = 20;

    private readonly List<FieldViolation> _violations = [];

    public bool IsValid => _violations.Count == 0;

    public void Add(string field, string description)
    {
        if (_violations.Count <= MaxReportedViolations)
        {
            _violations.Add(new FieldViolation(field, description));
        }
    }

    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"must be at most {max} characters (got {value.Length}).");
        }
    }

    public void DefinedEnum<TEnum>(string field, TEnum value)
        where TEnum : struct, System.Enum
    {
        if (!System.Enum.IsDefined(value))
        {
            Add(field, $"unknown {typeof(TEnum).Name} value {Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }

    public void Range(string field, int value, int min, int max, string? note = null)
    {
        if (value < min || value > max)
        {
            Add(field, $"must be between {min} and {max}{note} (got {value}).");
        }
    }

    /// <summary>The fields every request shares: caller ids, stage, scene and context.</summary>
    public void Common(string userId, string deviceId, Stage stage, Scene scene, PageContext? context)
    {
        MaxLength("user_id", userId, Limits.MaxIdLength);
        MaxLength("device_id", deviceId, Limits.MaxIdLength);
        DefinedEnum("stage", stage);
        DefinedEnum("scene", scene);
        if (context is not null)
        {
            MaxLength("context.query", context.Query, Limits.MaxQueryLength);
            MaxLength("context.item_id", context.ItemId, Limits.MaxIdLength);
            MaxLength("context.category_id", context.CategoryId, Limits.MaxIdLength);
        }
    }

    /// <summary>A bounded list of category ids: at most <see cref="Limits.MaxCategoryFilters"/>, each 1 to <see cref="Limits.MaxIdLength"/> characters.</summary>
    public void CategoryFilters(string field, IReadOnlyList<string> filters)
    {
        if (filters.Count > Limits.MaxCategoryFilters)
        {
            Add(field, $"must hold at most {Limits.MaxCategoryFilters} categories (got {filters.Count}).");
            return;
        }

        for (var i = 0; i < filters.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(filters[i]))
            {
                Add($"{field}[{i}]", "must not be empty.");
            }
            else
            {
                MaxLength($"{field}[{i}]", filters[i], Limits.MaxIdLength);
            }
        }
    }

    /// <summary>Throws <see cref="InvalidRequestException"/> when any violation was recorded.</summary>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            ThrowInvalid(_violations);
        }
    }

    /// <summary>The exception for the violations recorded so far (at least one).</summary>
    public InvalidRequestException ToException() => CreateException(_violations);

    [DoesNotReturn]
    private static void ThrowInvalid(List<FieldViolation> violations) => throw CreateException(violations);

    // One past the cap was kept to tell that more were dropped.
    private static InvalidRequestException CreateException(List<FieldViolation> violations)
        => new([.. violations.Take(MaxReportedViolations)], violations.Count > MaxReportedViolations);
}
