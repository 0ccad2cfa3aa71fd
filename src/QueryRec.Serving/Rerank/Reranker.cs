using Microsoft.Extensions.Options;
using QueryRec.Core.Hygiene;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Rerank;

/// <summary>
/// The rerank stage: drops blacklisted candidates, orders by match tier (exact, infix, fuzzy: no weight can lift a
/// fuzzy match above an exact one), then by score (ties keep recall order), and limits. The
/// blacklist is rebuilt when the options change; an entry that does not parse keeps the last good blacklist.
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

    /// <summary>The top <paramref name="limit"/> candidates that pass the filters, best first.</summary>
    public List<Candidate> Apply(IReadOnlyList<Candidate> candidates, int limit)
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
            // The sort keys copied out once (no enum boxing or candidate dereferences per comparison).
            var keyed = new (int Tier, double Score, int Index, Candidate Candidate)[kept.Count];
            for (var i = 0; i < keyed.Length; i++)
            {
                keyed[i] = ((int)kept[i].Features.Tier, kept[i].Score, i, kept[i]);
            }

            Array.Sort(keyed, static (a, b) =>
            {
                var c = a.Tier.CompareTo(b.Tier);
                c = c != 0 ? c : b.Score.CompareTo(a.Score);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            });
            for (var i = 0; i < keyed.Length; i++)
            {
                kept[i] = keyed[i].Candidate;
            }
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

    private static QueryBlacklist? Build(RerankOptions options)
        => QueryBlacklist.TryParse(options.Blacklist, out var blacklist, out _) ? blacklist : null;
}
