using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the queries of each item (i2q, it:).</summary>
internal static class ItemQueriesWriter
{
    /// <summary>i2q: per item, weight = clicks + 2·carts + 4·orders of each kept query; top N by weight desc, text asc.</summary>
    public static int Write(LogAggregator agg, int[] keptIndex, BuildOptions options, Action<string, IMessage> add)
    {
        var perItem = new Dictionary<int, List<ItemQuery>>();
        foreach (var (key, acc) in agg.ItemQueries)
        {
            var item = (int)(key >> 32);
            var q = (int)(key & 0xFFFFFFFF);
            if (keptIndex[q] < 0)
            {
                continue;
            }

            if (!perItem.TryGetValue(item, out var list))
            {
                list = [];
                perItem.Add(item, list);
            }

            list.Add(new ItemQuery
            {
                Text = agg.Queries[q].Text,
                Weight = acc.Clicks + (2.0 * acc.Carts) + (4.0 * acc.Orders),
                Clicks = acc.Clicks,
                Carts = acc.Carts,
                Orders = acc.Orders,
            });
        }

        foreach (var (item, list) in perItem)
        {
            var top = new ItemQueries();
            top.Queries.AddRange(list.OrderByDescending(r => r.Weight).ThenBy(r => r.Text, StringComparer.Ordinal).Take(options.I2qTop));
            add(IndexKeys.Item(agg.ItemNames[item]), top);
        }

        return perItem.Count;
    }
}
