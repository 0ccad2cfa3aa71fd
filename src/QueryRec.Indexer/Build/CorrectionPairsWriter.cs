using Google.Protobuf;
using QueryRec.Core.Matching;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Mines correction pairs from sessions (c:): a query a followed in a session by a close kept query b
/// (<see cref="QueryEdits.Classify"/>: typo, homophone, pinyin, spacing) that was more successful (fewer zero-result
/// searches, or more clicks per search) and searched at least as often. Each query keeps its best pair: most
/// sessions, then the more searched correction, then text.
/// </summary>
/// <remarks>
/// The query a need not be kept: a misspelling or a zero-result query has left the completion tables, and its pair is
/// exactly what the server needs to correct or rescue it. The pairs come from the q2q transitions (each distinct a → b
/// counts once per session), so mining adds no state to the aggregation.
/// </remarks>
internal static class CorrectionPairsWriter
{
    /// <summary>Writes the pairs of sessions seen at least <see cref="BuildOptions.CorrectionMinSessions"/> times; returns how many.</summary>
    public static int Write(LogAggregator agg, int[] keptIndex, BuildOptions options, Action<string, IMessage> add)
    {
        if (options.CorrectionMinSessions <= 0)
        {
            return 0;
        }

        var best = new Dictionary<int, (int Target, int Sessions, QueryEdit Edit)>();
        foreach (var (pair, sessions) in agg.Transitions)
        {
            var a = (int)(pair >> 32);
            var b = (int)(uint)pair;
            if (sessions < options.CorrectionMinSessions || keptIndex[b] < 0)
            {
                continue;
            }

            QueryAcc from = agg.Queries[a], to = agg.Queries[b];
            if (to.Count < from.Count || !MoreSuccessful(from, to))
            {
                continue;
            }

            var edit = QueryEdits.Classify(from.Text, to.Text);
            if (edit.Kind == QueryEditKind.None)
            {
                continue;
            }

            if (!best.TryGetValue(a, out var current) || Better(agg, sessions, b, current.Sessions, current.Target))
            {
                best[a] = (b, sessions, edit);
            }
        }

        foreach (var (a, (b, sessions, edit)) in best)
        {
            var from = agg.Queries[a];
            add(IndexKeys.Correction(from.Text), new QueryCorrection
            {
                Text = agg.Queries[b].Text,
                Kind = (int)edit.Kind,
                Sessions = sessions,
                SourceSessions = Math.Max(sessions, from.Sources),
                Distance = edit.Distance,
                QueryCount = from.Count,
            });
        }

        return best.Count;
    }

    /// <summary>
    /// b did better than a: a smaller share of zero-result searches, when the log has result counts; otherwise (Best Buy
    /// logs a search only with its click, so clicks cannot tell) b searched at least <see cref="CrowdRatio"/> times as
    /// often, the spelling most users reach, and with no markedly lower click rate.
    /// </summary>
    internal static bool MoreSuccessful(QueryAcc a, QueryAcc b)
    {
        if (a.KnownResults > 0 || b.KnownResults > 0)
        {
            var zeroA = a.KnownResults == 0 ? 0 : (double)a.ZeroResults / a.KnownResults;
            var zeroB = b.KnownResults == 0 ? 0 : (double)b.ZeroResults / b.KnownResults;
            return zeroA > zeroB || (zeroA == zeroB && Ctr(b) > Ctr(a));
        }

        return b.Count >= CrowdRatio * a.Count && Ctr(b) >= Ctr(a) - ClickRateMargin;
    }

    /// <summary>How many times as often a close query must be searched to count as more successful in a log without result counts.</summary>
    internal const int CrowdRatio = 2;

    /// <summary>How much lower a click rate may be and still not count as markedly lower.</summary>
    internal const double ClickRateMargin = 0.25;

    private static double Ctr(QueryAcc q) => q.Count == 0 ? 0 : Math.Min(1.0, (double)q.Clicks / q.Count);

    private static bool Better(LogAggregator agg, int sessions, int target, int bestSessions, int bestTarget)
    {
        if (sessions != bestSessions)
        {
            return sessions > bestSessions;
        }

        var c = agg.Queries[target].Count.CompareTo(agg.Queries[bestTarget].Count);
        return c != 0 ? c > 0 : string.CompareOrdinal(agg.Queries[target].Text, agg.Queries[bestTarget].Text) < 0;
    }
}
