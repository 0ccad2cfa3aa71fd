using System.Buffers;
using Microsoft.Extensions.Options;
using QueryRec.Contracts.V1;
using QueryRec.Core.Hygiene;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// The rerank stage: drops blacklisted candidates, orders by match tier (exact, infix, fuzzy: no weight can lift a
/// fuzzy match above an exact one), then by score (ties keep recall order), and limits. Within the exact tier, a
/// candidate recalled only as a pinyin reading of the input ranks after the literal matches unless it is at least
/// <c>pinyinOverLiteralRatio</c> times as popular as the most popular of them
/// (<see cref="MatchingOptions.PinyinOverLiteralRatio"/>). The blacklist is rebuilt when the options change; an entry that does not parse keeps the last good blacklist.
/// </summary>
internal sealed class Reranker : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile QueryBlacklist _blacklist;

    public Reranker(IOptionsMonitor<RerankOptions> options)
    {
        _blacklist = Build(options.CurrentValue) ?? QueryBlacklist.Empty;
        _subscription = options.OnChange(o => _blacklist = Build(o) ?? _blacklist);
    }

    /// <summary>
    /// The top <paramref name="limit"/> candidates that pass the filters, best first; a ratio of 0 leaves pinyin
    /// readings level with literal matches.
    /// </summary>
    public List<Candidate> Apply(IReadOnlyList<Candidate> candidates, int limit, double pinyinOverLiteralRatio = 0)
    {
        var blacklist = _blacklist;
        var kept = new List<Candidate>(candidates.Count);
        foreach (var candidate in candidates)
        {
            if (blacklist.IsEmpty || !blacklist.IsBlacklisted(candidate.Text))
            {
                kept.Add(candidate);
            }
        }

        // Tier, then score descending, then recall order: ties keep the order recall gave them.
        if (kept.Count > 1)
        {
            // A rare pinyin reading sorts between the exact tier and the infix tier (key 2·tier + 1): the learned
            // model's score orders within a key and cannot lift it back above a literal match.
            var threshold = pinyinOverLiteralRatio * MaxLiteralPopularity(kept);

            // The sort keys copied out once (no enum boxing or candidate dereferences per comparison), in a pooled
            // array: a new one per call was a twenty-fifth of an uncached call's allocations.
            var pooled = ArrayPool<(int Tier, double Score, int Index, Candidate Candidate)>.Shared.Rent(kept.Count);
            var keyed = pooled.AsSpan(0, kept.Count);
            for (var i = 0; i < keyed.Length; i++)
            {
                var candidate = kept[i];
                var below = threshold > 0 && IsPinyinOnly(candidate) && candidate.Features.Popularity < threshold;
                keyed[i] = ((2 * (int)candidate.Features.Tier) + (below ? 1 : 0), candidate.Score, i, candidate);
            }

            keyed.Sort(static (a, b) =>
            {
                var c = a.Tier.CompareTo(b.Tier);
                c = c != 0 ? c : b.Score.CompareTo(a.Score);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            });
            for (var i = 0; i < keyed.Length; i++)
            {
                kept[i] = keyed[i].Candidate;
            }

            ArrayPool<(int Tier, double Score, int Index, Candidate Candidate)>.Shared.Return(pooled, clearArray: true);
        }

        if (kept.Count > limit)
        {
            kept.RemoveRange(limit, kept.Count - limit);
        }

        return kept;
    }

    /// <summary>Whether the serving-time blacklist removes <paramref name="text"/>.</summary>
    public bool IsBlacklisted(string text) => _blacklist.IsBlacklisted(text);

    public void Dispose() => _subscription?.Dispose();

    /// <summary>
    /// An exact-tier candidate that only pinyin sources recalled: the input matched a reading of it, not its text. A
    /// candidate the prefix table, history or trending also found is a literal match, whatever reading merged first.
    /// </summary>
    private static bool IsPinyinOnly(Candidate candidate)
    {
        if (candidate.Features.Tier != MatchTier.Exact || candidate.Sources.Count == 0)
        {
            return false;
        }

        foreach (var source in candidate.Sources)
        {
            if (source is not (Source.PinyinFull or Source.PinyinInitials or Source.PinyinMixed))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The index popularity of the most popular literal exact match; 0 when there is none, which leaves every reading
    /// level.
    /// </summary>
    private static double MaxLiteralPopularity(List<Candidate> candidates)
    {
        var max = 0.0;
        foreach (var candidate in candidates)
        {
            if (candidate.Features.Tier == MatchTier.Exact && !IsPinyinOnly(candidate))
            {
                max = Math.Max(max, candidate.Features.Popularity);
            }
        }

        return max;
    }

    private static QueryBlacklist? Build(RerankOptions options)
        => QueryBlacklist.TryParse(options.Blacklist, out var blacklist, out _) ? blacklist : null;
}
