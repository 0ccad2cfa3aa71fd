namespace QueryRec.Indexer.Build;

/// <summary>
/// Queries linked through the items clicked after them (the query–item–query graph): the long tail that sessions
/// rarely link twice, since one click on a shared item is evidence while a transition needs two sessions.
/// </summary>
internal static class CoClickNeighbors
{
    /// <summary>
    /// For each kept query (by kept index), its co-clicked kept queries, best first, at most
    /// <see cref="BuildOptions.CoClickTop"/>. A query's click vector holds w(q, i) = clicks + 2·carts + 4·orders per
    /// item; the score is the cosine of two vectors where each item counts 1 / log2(2 + n(i)), n(i) the kept queries
    /// that clicked it, so an item everybody clicks links weakly (as Swing discounts popular items). Items with
    /// n(i) &gt; <see cref="BuildOptions.CoClickMaxQueriesPerItem"/> are skipped, which bounds the pairs.
    /// </summary>
    public static List<(int Kept, double Score)>?[] Compute(LogAggregator agg, int[] keptIndex, int keptCount, BuildOptions options)
    {
        var perItem = new Dictionary<int, List<(int Kept, double Weight)>>();
        var norm = new double[keptCount];
        foreach (var (key, acc) in agg.ItemQueries)
        {
            var k = keptIndex[(int)(key & 0xFFFFFFFF)];
            var weight = acc.Clicks + (2.0 * acc.Carts) + (4.0 * acc.Orders);
            if (k < 0 || weight <= 0)
            {
                continue;
            }

            var item = (int)(key >> 32);
            if (!perItem.TryGetValue(item, out var list))
            {
                list = [];
                perItem.Add(item, list);
            }

            list.Add((k, weight));
            norm[k] += weight * weight;
        }

        var dot = new Dictionary<long, double>(PairComparer.Instance);
        foreach (var list in perItem.Values)
        {
            if (list.Count < 2 || list.Count > options.CoClickMaxQueriesPerItem)
            {
                continue;
            }

            var itemWeight = 1.0 / Math.Log2(2 + list.Count);
            for (var x = 0; x < list.Count; x++)
            {
                for (var y = x + 1; y < list.Count; y++)
                {
                    var (a, wa) = list[x];
                    var (b, wb) = list[y];
                    var pair = a < b ? ((long)a << 32) | (uint)b : ((long)b << 32) | (uint)a;
                    dot[pair] = dot.GetValueOrDefault(pair) + (itemWeight * wa * wb);
                }
            }
        }

        var result = new List<(int Kept, double Score)>?[keptCount];
        foreach (var (pair, value) in dot)
        {
            var a = (int)(pair >> 32);
            var b = (int)(pair & 0xFFFFFFFF);
            var score = value / Math.Sqrt(norm[a] * norm[b]);
            (result[a] ??= []).Add((b, score));
            (result[b] ??= []).Add((a, score));
        }

        for (var k = 0; k < keptCount; k++)
        {
            if (result[k] is { } list)
            {
                list.Sort((x, y) => y.Score != x.Score ? y.Score.CompareTo(x.Score) : x.Kept.CompareTo(y.Kept));
                if (list.Count > options.CoClickTop)
                {
                    list.RemoveRange(options.CoClickTop, list.Count - options.CoClickTop);
                }
            }
        }

        return result;
    }
}
