using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Evaluate;

/// <summary>
/// The own-last-query rows of a time-split replay: a user who searched a query comes back within a day and types its
/// first runes. The rows are the (query, prefix length) pairs with a prefix of at least <see cref="MinPrefix"/> runes
/// of each test search whose user searched the same normalized query at most <see cref="Window"/> earlier (event time,
/// before or after the split). A service that remembers its users ranks that query first; one that answers from the
/// index alone, or whose ranker underrates the user's history, does not, and the overall MRR@10 hides it because such
/// rows are few. Pure: no I/O, no clock.
/// </summary>
internal static class OwnLastQuery
{
    /// <summary>How far back the user's earlier search of the same query may be.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The shortest prefix counted: one or two runes say too little of what the user means.</summary>
    public const int MinPrefix = 3;

    /// <summary>
    /// One flag per test search of <see cref="ReplayLog.Split"/>, in its order: whether the same user searched the same
    /// normalized query within <see cref="Window"/> before it.
    /// </summary>
    /// <param name="events">The events in time order, without repeated searches (<see cref="ReplayLog.WithoutRepeatedSearches"/>).</param>
    /// <param name="split">The first instant of the test period.</param>
    public static List<bool> Flags(IReadOnlyList<LogEvent> events, DateTimeOffset split)
    {
        ArgumentNullException.ThrowIfNull(events);
        var last = new Dictionary<(string User, string Query), DateTimeOffset>();
        var flags = new List<bool>();
        foreach (var (e, query) in ReplayLog.Searches(events))
        {
            var key = (e.UserId, query);
            if (e.Time >= split)
            {
                flags.Add(last.TryGetValue(key, out var before) && e.Time > before && e.Time - before <= Window);
            }

            last[key] = e.Time;
        }

        return flags;
    }

    /// <summary>The metrics of the flagged cases' pairs from <see cref="MinPrefix"/> runes to <paramref name="maxPrefix"/>.</summary>
    /// <param name="cases">The replayed test searches, in the order of <paramref name="flags"/>.</param>
    /// <param name="flags">From <see cref="Flags"/>.</param>
    /// <param name="maxPrefix">The longest prefix length replayed.</param>
    /// <param name="matchKey">The hit rule (see <see cref="ReplayMetrics.Compute"/>); null: the exact text.</param>
    public static OwnLastQueryMetrics Compute(IReadOnlyList<ReplayCase> cases, IReadOnlyList<bool> flags, int maxPrefix, Func<string, string>? matchKey)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(flags);
        if (cases.Count != flags.Count)
        {
            throw new ArgumentException($"{cases.Count} cases for {flags.Count} flags: both must follow the test searches.", nameof(flags));
        }

        var own = cases.Where((_, i) => flags[i]).ToList();
        var rows = ReplayMetrics.Compute(own, maxPrefix, 1, matchKey).ByPrefix.Where(static r => r.PrefixLength >= MinPrefix).ToList();
        var n = rows.Sum(static r => r.Cases);
        double Mean(Func<PrefixMetrics, double> value) => n == 0 ? 0 : rows.Sum(r => value(r) * r.Cases) / n;
        return new OwnLastQueryMetrics(own.Count, n, Mean(static r => r.Mrr10), Mean(static r => r.Success1), Mean(static r => r.Success5), Mean(static r => r.Success10));
    }
}
