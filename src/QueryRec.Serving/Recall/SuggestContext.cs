using QueryRec.Serving.Index;
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

    /// <summary>The call's candidate arena (<see cref="CandidateArena"/>); null when the candidates must outlive the call.</summary>
    public CandidateArena? Arena { get; init; }

    /// <summary>A new candidate for <paramref name="text"/>, from the call's arena when it has one.</summary>
    public Candidate NewCandidate(string text) => Arena?.Rent(text) ?? new Candidate(text);

    /// <summary>An empty list for a source's candidates, from the call's arena when it has one.</summary>
    public List<Candidate> NewList(int capacity = 0) => Arena?.List(capacity) ?? new List<Candidate>(capacity);
}
