using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Strategies;

/// <summary>The outcome of one recall plan: the items to show, why the answer is degraded (if it is) and the model that ranked them (null: the heuristic).</summary>
internal sealed record PlanResult(IReadOnlyList<Candidate> Items, IReadOnlyList<string> DegradedReasons, string? ModelVersion = null);
