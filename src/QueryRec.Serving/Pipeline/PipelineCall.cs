namespace QueryRec.Serving.Pipeline;

/// <summary>
/// What the host knows of one call besides its request: the caller's deadline (steps shrink their budgets to it) and
/// the QA arm overrides it carries (see <see cref="QueryRecPipeline.ParseForcedArms"/>).
/// </summary>
/// <param name="DeadlineUtc">The deadline on the wall clock; <see cref="DateTime.MaxValue"/> when the call has none.</param>
/// <param name="ForcedArms">Layer → arm overrides that were honoured, or null.</param>
public readonly record struct PipelineCall(DateTime DeadlineUtc, IReadOnlyDictionary<string, string>? ForcedArms = null)
{
    /// <summary>A call without deadline or overrides (replays, benchmarks).</summary>
    public static PipelineCall Unbounded => new(DateTime.MaxValue);
}
