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
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Score)), Source.Refine, Reason.Refinement);
    }
}
