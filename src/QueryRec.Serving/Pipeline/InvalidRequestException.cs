namespace QueryRec.Serving.Pipeline;

/// <summary>One offending field of a request and what is wrong with it.</summary>
/// <param name="Field">The field's path in the request (e.g. <c>context.query</c>, <c>events[3].query</c>).</param>
/// <param name="Description">What is wrong, for the caller.</param>
public sealed record FieldViolation(string Field, string Description);

/// <summary>
/// A request the pipeline refuses: every violation found (at most <see cref="RequestValidation.MaxReportedViolations"/>),
/// and whether more were dropped. Hosts map it to their protocol's invalid-argument error.
/// </summary>
public sealed class InvalidRequestException : Exception
{
    /// <summary>Creates the exception for <paramref name="violations"/> (at least one).</summary>
    public InvalidRequestException(IReadOnlyList<FieldViolation> violations, bool more)
        : base("Invalid request: " + string.Join("; ", violations.Select(static v => $"{v.Field}: {v.Description}")) + (more ? "; and more" : string.Empty))
    {
        Violations = violations;
        More = more;
    }

    /// <summary>The violations reported.</summary>
    public IReadOnlyList<FieldViolation> Violations { get; }

    /// <summary>True when more violations were found than are reported.</summary>
    public bool More { get; }
}
