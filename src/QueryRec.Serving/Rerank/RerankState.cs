using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>What a rerank step sees besides the candidates: the request and a place to report degradation.</summary>
internal sealed class RerankState(BrowseContext context, int limit)
{
    public BrowseContext Context { get; } = context;

    /// <summary>How many items the response (or section) shows.</summary>
    public int Limit { get; } = limit;

    /// <summary>Degraded reasons added by the steps (<c>rerank_error:{step}</c>).</summary>
    public List<string> DegradedReasons { get; } = [];
}
