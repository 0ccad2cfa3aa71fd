using QueryRec.Core.Matching;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// Never echoes the context query: drops it, and with <paramref name="nearDuplicates"/> also the forms that collapse with
/// it (the version's <see cref="NearDuplicateKeys"/>: "smartwatch" on the page of "smart watch").
/// </summary>
internal sealed class ExcludeContextQuery(bool nearDuplicates = false) : IRerankStep<BrowseContext>
{
    public string Name => "exclude_context_query";

    public ValueTask<List<Candidate>> ApplyAsync(List<Candidate> candidates, RerankState<BrowseContext> state, CancellationToken cancellationToken)
    {
        var query = state.Context.Query;
        if (query.Length == 0)
        {
            return ValueTask.FromResult(candidates);
        }

        if (!nearDuplicates)
        {
            return ValueTask.FromResult(candidates.Where(c => !string.Equals(c.Text, query, StringComparison.Ordinal)).ToList());
        }

        var keys = state.Context.NearKeys;
        var key = keys.Key(query);
        return ValueTask.FromResult(candidates.Where(c => !string.Equals(c.Text, query, StringComparison.Ordinal) && !string.Equals(NearDuplicateCollapse.KeyOf(c.Text, keys), key, StringComparison.Ordinal)).ToList());
    }
}
