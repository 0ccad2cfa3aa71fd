using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>Queries trending right now (enough distinct submitters in the window) that start with the prefix.</summary>
internal sealed class TrendingSource(IOptionsMonitor<TrendingOptions> options) : IRecallSource<SuggestContext>
{
    public string Name => "trending";

    /// <summary>A search of the in-memory trending snapshot: runs inline.</summary>
    public bool RunsInline => true;

    public ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        // A short prefix can match many trending queries: keep the most submitted (ties: ordinal order, the order
        // of the snapshot's matches, which a sort by count then text keeps since the texts are distinct).
        List<TrendingCount>? matches = null;
        if (context.Trending.Eligible.Length == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<Candidate>>([]);
        }

        foreach (var t in context.Trending.StartingWith(context.Prefix))
        {
            (matches ??= []).Add(t);
        }

        if (matches is null)
        {
            return ValueTask.FromResult<IReadOnlyList<Candidate>>([]);
        }

        matches.Sort(static (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Query, b.Query));
        var take = Math.Min(matches.Count, options.CurrentValue.MaxPerRequest);
        var result = context.NewList(take);
        for (var i = 0; i < take; i++)
        {
            var t = matches[i];
            var candidate = context.NewCandidate(t.Query);
            candidate.Reason = Reason.Trending;
            candidate.AddSource(Source.Trending);
            candidate.Features.RecentCount = t.Count;
            candidate.Features.RecentDistinctUsers = t.DistinctSubjects;
            result.Add(candidate);
        }

        return ValueTask.FromResult<IReadOnlyList<Candidate>>(result);
    }
}
