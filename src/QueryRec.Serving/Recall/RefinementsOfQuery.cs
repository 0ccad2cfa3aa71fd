using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>Refinements of the context query: narrower queries that extend it.</summary>
internal sealed class RefinementsOfQuery : IRecallSource<BrowseContext>
{
    public string Name => "refine";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.Query.Length == 0)
        {
            return [];
        }

        var list = await serving.Snapshot.GetRefinementsAsync(context.Query, cancellationToken);
        if (list is null)
        {
            return [];
        }

        var into = new Dictionary<string, Candidate>(StringComparer.Ordinal);
        BrowseCandidates.Add(into, list.Queries.Select(static q => (q.Text, q.Score)), Source.Refine, Reason.Refinement);
        DiscoverySignals.Annotate(into, list.Queries, refinements: true);
        return [.. into.Values];
    }
}
