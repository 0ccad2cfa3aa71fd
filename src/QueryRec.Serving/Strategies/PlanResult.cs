using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Strategies;

/// <summary>The outcome of one recall plan: the items to show and why the answer is degraded, if it is.</summary>
internal sealed record PlanResult(IReadOnlyList<Candidate> Items, IReadOnlyList<string> DegradedReasons);
