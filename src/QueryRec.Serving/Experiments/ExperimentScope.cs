using QueryRec.Contracts.V1;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Events;
using QueryRec.Serving.Index;
using QueryRec.Serving.Pipeline;
using QueryRec.Serving.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Serving.Rerank;
using QueryRec.Serving.Resilience;
using QueryRec.Serving.Strategies;
using QueryRec.Serving.Suggest;
using QueryRec.Serving.Telemetry;
using QueryRec.Serving.Time;

namespace QueryRec.Serving.Experiments;

/// <summary>
/// The experiment assignment of the call in flight, set by <see cref="ExperimentInterceptor"/> and read by the
/// handlers (effective options) and wherever response metadata is created (<see cref="Stamp"/>).
/// </summary>
internal static class ExperimentScope
{
    private static readonly AsyncLocal<ExperimentAssignment?> CurrentAssignment = new();

    /// <summary>The assignment of the current call, null outside a call (or when no arm applies).</summary>
    public static ExperimentAssignment? Current
    {
        get => CurrentAssignment.Value;
        set => CurrentAssignment.Value = value;
    }

    /// <summary>Adds the current call's arms to <paramref name="metadata"/> (<c>experiment_arms</c>).</summary>
    public static void Stamp(ResponseMetadata metadata) => Current?.Stamp(metadata);
}
