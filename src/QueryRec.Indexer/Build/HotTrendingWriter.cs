using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the hot (h:) and trending (t:) lists, global and per category.</summary>
internal static class HotTrendingWriter
{
    /// <summary>
    /// Hot: global = decayed popularity; per category c among the query's top categories = popularity × share(c).
    /// Trending: (recent + α) / (baseline × W/B + α), α the smoothing, kept when recent ≥ the minimum and the
    /// score &gt; 1; listed globally and in each of the query's top categories.
    /// </summary>
    public static (int Hot, int Trending) Write(LogAggregator agg, KeptQuery[] kept, List<CategoryShare>?[] topCategories, BuildOptions options, Action<string, IMessage> add)
    {
        var hot = new Dictionary<string, List<RankedQuery>>(StringComparer.Ordinal) { [IndexKeys.GlobalCategory] = [] };
        var trending = new Dictionary<string, List<RankedQuery>>(StringComparer.Ordinal);
        var bucket = agg.BucketTicks;
        var windowBuckets = (int)(options.TrendWindow.Ticks / bucket);
        var baselineBuckets = (int)(options.TrendBaseline.Ticks / bucket);
        var last = agg.LastEventTime is { } end ? agg.BucketOf(end.UtcTicks) : 0;
        var ratio = (double)windowBuckets / baselineBuckets;
        for (var k = 0; k < kept.Length; k++)
        {
            var q = kept[k].Acc;
            if (q.Count == 0)
            {
                continue;
            }

            hot[IndexKeys.GlobalCategory].Add(new RankedQuery { Text = q.Text, Score = q.Decayed, Count = q.Count });
            var cats = topCategories[k];
            if (cats is not null)
            {
                foreach (var c in cats)
                {
                    Append(hot, c.Category, new RankedQuery { Text = q.Text, Score = q.Decayed * c.Share, Count = q.Count });
                }
            }

            var recent = q.Trend.Sum(last - windowBuckets + 1, last);
            var baseline = q.Trend.Sum(last - windowBuckets - baselineBuckets + 1, last - windowBuckets);
            var score = TrendScore(recent, baseline, ratio, options.TrendSmoothing);
            if (recent < options.TrendMinRecent || score <= 1)
            {
                continue;
            }

            var entry = new RankedQuery { Text = q.Text, Score = score, Count = q.Count, RecentCount = recent, BaselineCount = baseline };
            Append(trending, IndexKeys.GlobalCategory, entry);
            if (cats is not null)
            {
                foreach (var c in cats)
                {
                    Append(trending, c.Category, entry);
                }
            }
        }

        WriteRanked(hot, IndexKeys.Hot);
        WriteRanked(trending, IndexKeys.Trending);
        return (hot.Count, trending.Count);

        void WriteRanked(Dictionary<string, List<RankedQuery>> lists, Func<string, string> key)
        {
            foreach (var (category, list) in lists)
            {
                var ranked = new RankedQueries();
                ranked.Queries.AddRange(list.OrderByDescending(r => r.Score).ThenBy(r => r.Text, StringComparer.Ordinal).Take(options.HotTop));
                add(key(category), ranked);
            }
        }

        static void Append(Dictionary<string, List<RankedQuery>> lists, string category, RankedQuery entry)
        {
            if (!lists.TryGetValue(category, out var list))
            {
                list = [];
                lists.Add(category, list);
            }

            list.Add(entry);
        }
    }

    /// <summary>The smoothed trending ratio: (recent + α) / (baseline × W/B + α).</summary>
    internal static double TrendScore(long recent, long baseline, double windowOverBaseline, double smoothing)
        => (recent + smoothing) / ((baseline * windowOverBaseline) + smoothing);
}
