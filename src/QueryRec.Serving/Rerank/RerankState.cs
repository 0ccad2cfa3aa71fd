using QueryRec.Serving.Resilience;

namespace QueryRec.Serving.Rerank;

/// <summary>What a rerank step sees besides the candidates: the product's call context, the limit and a place to report degradation.</summary>
internal sealed class RerankState<TContext>(TContext context, int limit, CallScope scope)
{
    public TContext Context { get; } = context;

    /// <summary>How many items the response (or section) shows.</summary>
    public int Limit { get; } = limit;

    /// <summary>The call's scope (deadline, the store's reasons of a failed read).</summary>
    public CallScope Scope { get; } = scope;

    // Made on the first reason: most calls have none.
    private List<string>? _degraded;

    /// <summary>Degraded reasons added by the steps (<c>rerank_error:{step}</c>).</summary>
    public IReadOnlyList<string> DegradedReasons => _degraded ?? (IReadOnlyList<string>)[];

    /// <summary>The version of the model that scored the candidates; null when the heuristic did.</summary>
    public string? ModelVersion { get; set; }

    /// <summary>Adds a degraded reason.</summary>
    public void AddDegraded(string reason) => (_degraded ??= []).Add(reason);
}
