using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>i2q of the context item (click-back): the queries that led to the item being viewed.</summary>
internal sealed class ClickBackOfItem : IRecallSource<BrowseContext>
{
    public string Name => "click_back";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(BrowseContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving || context.ItemId.Length == 0)
        {
            return [];
        }

        var list = await serving.Snapshot.GetItemQueriesAsync(context.ItemId, cancellationToken);
        return BrowseCandidates.Of(list?.Queries.Select(static q => (q.Text, q.Weight)), Source.I2Q, Reason.ClickedAfterView);
    }
}
