using QueryRec.Contracts.V1;
using QueryRec.Serving.Experiments;
using QueryRec.Serving.Resilience;

namespace QueryRec.Serving.Pipeline;

/// <summary>
/// The per-call state of one pipeline call, passed to the handlers as a parameter: the caller's experiment arms and
/// the call's scope (deadline on the wall clock, degraded reasons). Created by <see cref="QueryRecPipeline"/>.
/// </summary>
internal sealed class RequestContext(ExperimentAssignment? arms, CallScope scope)
{
    /// <summary>A context without arms or deadline, for tests and tools that call a handler directly.</summary>
    public static RequestContext Unbounded() => new(null, new CallScope(DateTime.MaxValue, TimeProvider.System));

    /// <summary>The caller's experiment arms; null when no layer assigns one.</summary>
    public ExperimentAssignment? Arms { get; } = arms;

    /// <summary>The call's scope: deadline and degraded reasons.</summary>
    public CallScope Scope { get; } = scope;

    /// <summary>The time a step of this call may spend: <paramref name="budget"/>, shrunk to the deadline (see <see cref="CallScope.LimitOf"/>).</summary>
    public TimeSpan Limit(TimeSpan budget) => Scope.LimitOf(budget);

    /// <summary>Adds the call's arms to <paramref name="metadata"/> (<c>experiment_arms</c>).</summary>
    public void Stamp(ResponseMetadata metadata) => Arms?.Stamp(metadata);
}
