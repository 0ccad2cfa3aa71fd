using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>q2q of the context query.</summary>
internal sealed class RelatedOfQuery : IRecallSource<BrowseContext>
{
    public string Name => "q2q";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.Query.Length == 0)
        {
            return [];
        }

        var list = await serving.Snapshot.GetRelatedQueriesAsync(context.Query, cancellationToken);
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Score)), Source.Q2Q, Reason.Related);
    }
}
