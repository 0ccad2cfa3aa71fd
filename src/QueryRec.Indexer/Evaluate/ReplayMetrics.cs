using QueryRec.Core.Normalization;

namespace QueryRec.Indexer.Evaluate;

/// <summary>One replayed test query: the final query the user submitted and what the system showed for each prefix of it.</summary>
/// <param name="Query">The final query, normalized (compared ordinally with the shown texts).</param>
/// <param name="Shown">
/// <c>Shown[L - 1]</c> is the ranked list shown for the first <c>L</c> runes of <paramref name="Query"/>; entries past
/// the maximum prefix length or past the query's length are ignored. Only the first 10 of each list count.
/// </param>
internal sealed record ReplayCase(string Query, IReadOnlyList<IReadOnlyList<string>> Shown);

/// <summary>The metrics of one prefix length, or of every (query, prefix length) pair when <see cref="PrefixLength"/> is 0.</summary>
/// <param name="PrefixLength">The prefix length in runes; 0 for the overall row.</param>
/// <param name="Cases">The number of (query, prefix length) pairs averaged.</param>
/// <param name="Mrr10">Mean of 1/rank of the query in the top 10 (0 when absent).</param>
/// <param name="Success1">Share of pairs with the query at rank 1.</param>
/// <param name="Success5">Share of pairs with the query in the top 5.</param>
/// <param name="Success10">Share of pairs with the query in the top 10.</param>
internal sealed record PrefixMetrics(int PrefixLength, long Cases, double Mrr10, double Success1, double Success5, double Success10);

/// <summary>The result of <see cref="ReplayMetrics.Compute"/>.</summary>
/// <param name="ByPrefix">One row per prefix length 1..max that at least one query reaches, in order.</param>
/// <param name="Overall">The same metrics over every (query, prefix length) pair (a micro average).</param>
/// <param name="Queries">The number of test queries.</param>
/// <param name="PSaved">Mean over the queries of the share of characters saved (see <see cref="ReplayMetrics"/>).</param>
/// <param name="PSavedTopK">The k of pSaved.</param>
internal sealed record ReplayResult(IReadOnlyList<PrefixMetrics> ByPrefix, PrefixMetrics Overall, long Queries, double PSaved, int PSavedTopK);

/// <summary>
/// Replay metrics of query auto-completion (docs/ranking.md, "Evaluation"). For a test query <c>q</c> of
/// <c>n</c> runes and each prefix length <c>L = 1 .. min(maxPrefix, n)</c>, let <c>rank</c> be the 1-based position
/// of <c>q</c> in the first 10 texts shown for the first <c>L</c> runes of <c>q</c> (absent when it is not there):
/// <list type="bullet">
/// <item><description>MRR@10 = mean of <c>1/rank</c>, 0 when absent;</description></item>
/// <item><description>success@k (k = 1, 5, 10) = share of pairs with <c>rank ≤ k</c>;</description></item>
/// <item><description>
/// pSaved, per query: with <c>L*</c> the smallest <c>L</c> whose list has <c>q</c> within its first <c>k</c> texts
/// (k = 1 by default), <c>saved = (n − L*) / n</c>, 0 when no prefix up to <c>min(maxPrefix, n)</c> shows it;
/// reported as the mean over queries. A query shown at <c>L = n</c> saves 0.
/// </description></item>
/// </list>
/// Per-prefix rows average the queries of at least <c>L</c> runes; the overall row averages every (query, L) pair.
/// Pure: no I/O, no clock.
/// </summary>
internal static class ReplayMetrics
{
    /// <summary>The list depth the metrics look at.</summary>
    public const int Depth = 10;

    /// <summary>Computes the metrics of <paramref name="cases"/> (enumerated once).</summary>
    /// <param name="cases">The replayed test queries.</param>
    /// <param name="maxPrefix">The longest prefix length replayed (1 or more).</param>
    /// <param name="pSavedTopK">The k of pSaved, from 1 to <see cref="Depth"/>.</param>
    /// <param name="matchKey">
    /// The hit rule: a shown text is the query when both have the same key (e.g. <c>NearDuplicates.Key</c>, so
    /// "iphone 4s" is a hit for "iphone4s"); null: the exact text.
    /// </param>
    public static ReplayResult Compute(IEnumerable<ReplayCase> cases, int maxPrefix = 10, int pSavedTopK = 1, Func<string, string>? matchKey = null)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPrefix, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pSavedTopK, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pSavedTopK, Depth);
        var sums = new Sums[maxPrefix + 1];
        long queries = 0;
        double savedSum = 0;
        foreach (var c in cases)
        {
            queries++;
            var n = QueryNormalizer.RuneCount(c.Query);
            var last = Math.Min(Math.Min(maxPrefix, n), c.Shown.Count);
            var savedAt = 0;
            for (var length = 1; length <= Math.Min(maxPrefix, n); length++)
            {
                var rank = length <= last ? Rank(c.Shown[length - 1], c.Query, matchKey) : 0;
                sums[length].Add(rank);
                sums[0].Add(rank);
                if (savedAt == 0 && rank is > 0 && rank <= pSavedTopK)
                {
                    savedAt = length;
                }
            }

            if (savedAt > 0)
            {
                savedSum += (double)(n - savedAt) / n;
            }
        }

        var rows = new List<PrefixMetrics>(maxPrefix);
        for (var length = 1; length <= maxPrefix; length++)
        {
            if (sums[length].Cases > 0)
            {
                rows.Add(sums[length].ToMetrics(length));
            }
        }

        return new ReplayResult(rows, sums[0].ToMetrics(0), queries, queries == 0 ? 0 : savedSum / queries, pSavedTopK);
    }

    /// <summary>The 1-based position of <paramref name="query"/> in the first <see cref="Depth"/> of <paramref name="shown"/>, 0 when absent.</summary>
    public static int Rank(IReadOnlyList<string> shown, string query) => Rank(shown, query, null);

    /// <summary>The 1-based position of the first of <paramref name="shown"/> (first <see cref="Depth"/>) with the key of <paramref name="query"/>, 0 when absent.</summary>
    public static int Rank(IReadOnlyList<string> shown, string query, Func<string, string>? matchKey)
    {
        var key = matchKey is null ? query : matchKey(query);
        for (var i = 0; i < Math.Min(Depth, shown.Count); i++)
        {
            if (string.Equals(matchKey is null ? shown[i] : matchKey(shown[i]), key, StringComparison.Ordinal))
            {
                return i + 1;
            }
        }

        return 0;
    }

    private struct Sums
    {
        public long Cases;
        public double Reciprocal;
        public long At1;
        public long At5;
        public long At10;

        public void Add(int rank)
        {
            Cases++;
            if (rank == 0)
            {
                return;
            }

            Reciprocal += 1.0 / rank;
            At1 += rank <= 1 ? 1 : 0;
            At5 += rank <= 5 ? 1 : 0;
            At10 += rank <= 10 ? 1 : 0;
        }

        public readonly PrefixMetrics ToMetrics(int length) => Cases == 0
            ? new PrefixMetrics(length, 0, 0, 0, 0, 0)
            : new PrefixMetrics(length, Cases, Reciprocal / Cases, (double)At1 / Cases, (double)At5 / Cases, (double)At10 / Cases);
    }
}
