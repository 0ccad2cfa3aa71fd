using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the related queries (q2q, r:): the session transitions with a significant positive association.</summary>
internal static class RelatedQueriesWriter
{
    /// <summary>
    /// q2q: for a transition a → b seen in k11 sessions, the log-likelihood ratio G² of the 2×2 table of
    /// sessions (a is a source, b is a target) over the N sessions with a transition; kept when k11 ≥ min
    /// support and the association is positive (k11·N &gt; c(a)·c(b)).
    /// </summary>
    public static (int Lists, long Pairs) Write(LogAggregator agg, int[] keptIndex, BuildOptions options, Action<string, IMessage> add)
        => Write(Lists(agg, keptIndex, options), agg, add);

    /// <summary>Writes <paramref name="lists"/> (from <see cref="Lists"/>) as the r: records.</summary>
    public static (int Lists, long Pairs) Write(Dictionary<int, RelatedQueries> lists, LogAggregator agg, Action<string, IMessage> add)
    {
        long pairs = 0;
        foreach (var (a, top) in lists)
        {
            pairs += top.Queries.Count;
            add(IndexKeys.Related(agg.Queries[a].Text), top);
        }

        return (lists.Count, pairs);
    }

    /// <summary>The q2q list of each source query (by aggregator id), best first, at most <see cref="BuildOptions.Q2qTop"/>.</summary>
    public static Dictionary<int, RelatedQueries> Lists(LogAggregator agg, int[] keptIndex, BuildOptions options)
    {
        var perSource = new Dictionary<int, List<RelatedQuery>>();
        long n = agg.TransitionSessions;
        foreach (var (key, k11) in agg.Transitions)
        {
            if (k11 < options.Q2qMinSupport)
            {
                continue;
            }

            var a = (int)(key >> 32);
            var b = (int)(key & 0xFFFFFFFF);
            if (keptIndex[a] < 0 || keptIndex[b] < 0)
            {
                continue;
            }

            long ca = agg.Queries[a].Sources, cb = agg.Queries[b].Targets;
            if (k11 * n <= ca * cb)
            {
                continue;
            }

            var llr = LogLikelihoodRatio(k11, ca - k11, cb - k11, n - ca - cb + k11);
            if (!perSource.TryGetValue(a, out var list))
            {
                list = [];
                perSource.Add(a, list);
            }

            list.Add(new RelatedQuery { Text = agg.Queries[b].Text, Score = llr, Count = k11 });
        }

        var result = new Dictionary<int, RelatedQueries>(perSource.Count);
        foreach (var (a, list) in perSource)
        {
            var top = new RelatedQueries();
            top.Queries.AddRange(list.OrderByDescending(r => r.Score).ThenBy(r => r.Text, StringComparer.Ordinal).Take(options.Q2qTop));
            result.Add(a, top);
        }

        return result;
    }

    /// <summary>Dunning's G² = 2 Σ k_ij ln(k_ij N / (row_i col_j)) of a 2×2 table (0 ln 0 = 0).</summary>
    internal static double LogLikelihoodRatio(long k11, long k12, long k21, long k22)
    {
        double n = k11 + k12 + k21 + k22;
        double r1 = k11 + k12, r2 = k21 + k22, c1 = k11 + k21, c2 = k12 + k22;
        return 2 * (Term(k11, r1, c1) + Term(k12, r1, c2) + Term(k21, r2, c1) + Term(k22, r2, c2));

        double Term(long k, double row, double col) => k == 0 ? 0 : k * Math.Log(k * n / (row * col));
    }
}
