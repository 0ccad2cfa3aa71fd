using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Serving.Suggest;
using QueryRec.Storage;

namespace QueryRec.Serving.Rerank;

/// <summary>What Suggest's rerank steps (<see cref="SuggestRerankSteps"/>) know of one call.</summary>
/// <param name="Filters">The request's category filters (<see cref="SuggestContextFilter.FiltersOf"/>); empty for the fast path.</param>
/// <param name="Snapshot">The index version of the call (query statistics for the filters); null when none is loaded.</param>
/// <param name="Options">The call's Suggest options (its experiment arm's or the configured ones).</param>
/// <param name="Logged">The scored feature rows to record for training; null when the call is not logged.</param>
internal sealed record SuggestRerankContext(IReadOnlyList<string> Filters, IIndexSnapshot? Snapshot, SuggestOptions Options, LoggedRanking? Logged)
{
    /// <summary>The call's <see cref="Recall.MatchingOptions.PinyinOverLiteralRatio"/>; 0 (off) unless set.</summary>
    public double PinyinOverLiteralRatio { get; init; }

    /// <summary>The collapse keys of the call's index version (<see cref="Index.ServingIndex.NearKeys"/>).</summary>
    public NearDuplicateKeys NearKeys { get; init; } = NearDuplicateKeys.None;
}
