using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>Never echoes the context query.</summary>
internal sealed class ExcludeContextQuery : IRerankStep<BrowseContext>
{
    public string Name => "exclude_context_query";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
        => ValueTask.FromResult(state.Context.Query.Length == 0
            ? candidates
            : candidates.Where(c => !string.Equals(c.Text, state.Context.Query, StringComparison.Ordinal)).ToList());
}
