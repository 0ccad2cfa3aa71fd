using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Core.Normalization;
using QueryRec.Serving.Index;
using QueryRec.Storage;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Recall;

/// <summary>What Suggest's recall sources know about one request.</summary>
/// <param name="Prefix">The normalized prefix.</param>
/// <param name="Subject">The user or device subject (<see cref="RealtimeSubject"/>), null when anonymous.</param>
/// <param name="Serving">The index snapshot of the request, null when no index is loaded.</param>
/// <param name="Trending">The trending snapshot of the request (recall and the scorer's normalizer read the same one).</param>
internal sealed record SuggestContext(string Prefix, string? Subject, ServingIndex? Serving, TrendingSnapshot Trending)
{
    /// <summary>Set for the fallback round: the first round recalled fewer exact-tier candidates than the limit.</summary>
    public bool ExactRecallThin { get; init; }

    /// <summary>Set for the fallback round: exact and infix candidates together were fewer than the limit.</summary>
    public bool InfixRecallThin { get; init; }

    /// <summary>
    /// Set for the fallback round: the Latin input is a prefix of some query's full pinyin. It is then read as
    /// pinyin, not as a misspelt word, and typo tolerance is skipped (a long pinyin string would otherwise run a
    /// two-edit walk of the vocabulary trie, which holds hanzi, for nothing).
    /// </summary>
    public bool ReadsAsPinyin { get; init; }

    /// <summary>
    /// The caller's recent queries, read once per request and shared by the history source and the session features
    /// (<see cref="Ranking.SessionSignals"/>); null when the history source reads them itself.
    /// </summary>
    public Task<IReadOnlyList<RecentEntry>>? RecentQueries { get; init; }
}

/// <summary>Completions from the prefix table of the active index version (most popular completion).</summary>
internal sealed class PrefixTableSource : IRecallSource<SuggestContext>
{
    public string Name => "prefix";

    /// <summary>Index node reads only: runs on the caller's thread (see <see cref="IRecallSource{TContext}.RunsInline"/>).</summary>
    public bool RunsInline => true;

    /// <summary>Keeps the reasons published before the pipeline: <c>store_timeout:prefix</c>, <c>store_error:prefix</c>.</summary>
    public string ReasonKind => "store";

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (context.Serving is not { } serving)
        {
            return [];
        }

        var key = QueryNormalizer.TruncateRunes(context.Prefix, serving.MaxPrefixLength);
        var node = await CompletionNodes.ReadNodeAsync(serving.Snapshot, CompletionTable.Prefix, key, serving.Info, cancellationToken);
        if (node is null)
        {
            return [];
        }

        // A node keyed by a truncated prefix holds completions of the shorter key: filter to the full prefix.
        var exactNode = key.Length == context.Prefix.Length;
        var max = 0.0;
        foreach (var completion in node.Completions)
        {
            max = Math.Max(max, completion.Score);
        }

        var result = new List<Candidate>(node.Completions.Count);
        foreach (var completion in node.Completions)
        {
            if (!exactNode && !completion.Text.StartsWith(context.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = new Candidate(completion.Text)
            {
                Reason = Reason.PopularCompletion,
                CategoryHint = completion.CategoryHint,
                TopCategories = completion.TopCategories,
            };
            candidate.AddSource(Source.Prefix);
            candidate.Features.Popularity = completion.Score;
            candidate.Features.PopularityMax = max;
            candidate.Features.SetOutcomes(completion);
            result.Add(candidate);
        }

        return result;
    }
}

/// <summary>The user's (or device's) own recent queries that start with the prefix.</summary>
internal sealed class RecentQueriesSource(IRealtimeStore store, int maxHistory) : IRecallSource<SuggestContext>
{
    public string Name => "history";

    /// <summary>A filter over the caller's recent queries (read asynchronously when the store is remote): runs inline.</summary>
    public bool RunsInline => true;

    public async ValueTask<IReadOnlyList<Candidate>> RecallAsync(SuggestContext context, CancellationToken cancellationToken)
    {
        if (context.Subject is null)
        {
            return [];
        }

        var recent = await (context.RecentQueries ?? store.GetRecentQueriesAsync(context.Subject, maxHistory, cancellationToken));
        var result = new List<Candidate>();
        foreach (var entry in recent)
        {
            if (!entry.Value.StartsWith(context.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var candidate = new Candidate(entry.Value) { Reason = Reason.SearchedBefore };
            candidate.AddSource(Source.History);
            candidate.Features.LastSearched = entry.Time;
            result.Add(candidate);
        }

        return result;
    }
}

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
        var result = new List<Candidate>(take);
        for (var i = 0; i < take; i++)
        {
            var t = matches[i];
            var candidate = new Candidate(t.Query) { Reason = Reason.Trending };
            candidate.AddSource(Source.Trending);
            candidate.Features.RecentCount = t.Count;
            candidate.Features.RecentDistinctUsers = t.DistinctSubjects;
            result.Add(candidate);
        }

        return ValueTask.FromResult<IReadOnlyList<Candidate>>(result);
    }
}
