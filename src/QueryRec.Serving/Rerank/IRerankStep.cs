using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>One composable rerank step of a strategy: filters, reorders or cuts the candidates.</summary>
internal interface IRerankStep
{
    /// <summary>A short name for degraded reasons.</summary>
    string Name { get; }

    ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState state, CancellationToken cancellationToken);
}
