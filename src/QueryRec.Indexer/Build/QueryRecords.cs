using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Each kept query's own records and derived values: its top categories, its q: record, its place in the
/// ranking order and its completion.
/// </summary>
internal static class QueryRecords
{
    /// <summary>Top categories carried by each completion (best first).</summary>
    internal const int CompletionCategories = 3;

    /// <summary>Per kept query: its top categories by clicks (count desc, id asc) with shares of all categorized clicks.</summary>
    public static List<CategoryShare>?[] TopCategories(LogAggregator agg, KeptQuery[] kept, int[] keptIndex, BuildOptions options)
    {
        var perQuery = new List<(int Category, int Clicks)>?[kept.Length];
        foreach (var (key, clicks) in agg.CategoryClicks)
        {
            var k = keptIndex[(int)(key >> 32)];
            if (k >= 0)
            {
                (perQuery[k] ??= []).Add(((int)(key & 0xFFFFFFFF), clicks));
            }
        }

        var result = new List<CategoryShare>?[kept.Length];
        for (var k = 0; k < perQuery.Length; k++)
        {
            var list = perQuery[k];
            if (list is null)
            {
                continue;
            }

            double total = list.Sum(c => (long)c.Clicks);
            result[k] = list
                .Select(c => (Name: agg.CategoryNames[c.Category], c.Clicks))
                .OrderByDescending(c => c.Clicks)
                .ThenBy(c => c.Name, StringComparer.Ordinal)
                .Take(options.TopCategories)
                .Select(c => new CategoryShare { Category = c.Name, Clicks = c.Clicks, Share = c.Clicks / total })
                .ToList();
        }

        return result;
    }

    /// <summary>The q: record of each kept query; sets its category hint.</summary>
    public static void Write(KeptQuery[] kept, List<CategoryShare>?[] topCategories, Action<string, IMessage> add)
    {
        for (var k = 0; k < kept.Length; k++)
        {
            var kq = kept[k];
            var q = kq.Acc;
            var hint = kq.PinCategory.Length > 0 ? kq.PinCategory : topCategories[k]?[0].Category ?? string.Empty;
            kq.CategoryHint = hint;
            var stats = new QueryStats
            {
                Text = q.Text,
                Count = q.Count,
                DistinctUsers = q.Users,
                Popularity = q.Decayed,
                CategoryHint = hint,
                Clicks = q.Clicks,
                Carts = q.Carts,
                Orders = q.Orders,
                Gmv = q.Gmv,
                Ctr = Ctr(q),
                Cvr = Cvr(q),
                Pinned = kq.Pinned,
                SearchesWithResultCount = q.KnownResults,
                ZeroResultSearches = q.ZeroResults,
            };
            if (topCategories[k] is { } top)
            {
                stats.TopCategories.AddRange(top);
            }

            add(IndexKeys.Query(q.Text), stats);
        }
    }

    internal static double Ctr(QueryAcc q) => q.Count == 0 ? 0 : (double)q.Clicks / q.Count;

    internal static double Cvr(QueryAcc q) => q.Count == 0 ? 0 : (double)q.Orders / q.Count;

    /// <summary>Kept-query indices in ranking order: popularity desc, distinct users desc, text asc (ordinal).</summary>
    public static int[] RankingOrder(KeptQuery[] kept)
    {
        var order = new int[kept.Length];
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = k;
        }

        Array.Sort(order, (x, y) =>
        {
            var a = kept[x].Acc;
            var b = kept[y].Acc;
            var c = b.Decayed.CompareTo(a.Decayed);
            if (c != 0)
            {
                return c;
            }

            c = b.Users.CompareTo(a.Users);
            return c != 0 ? c : string.CompareOrdinal(a.Text, b.Text);
        });
        return order;
    }

    /// <summary>The completion of a kept query, shared by every table it appears in (see <see cref="CompletionArena"/>).</summary>
    public static Completion Completion(KeptQuery kq, List<CategoryShare>? topCategories)
    {
        var completion = new Completion
        {
            Text = kq.Acc.Text,
            Score = kq.Acc.Decayed,
            Count = kq.Acc.Count,
            DistinctUsers = kq.Acc.Users,
            CategoryHint = kq.CategoryHint,
            Pinned = kq.Pinned,
            CtrBp = CompletionOutcomes.BasisPoints(Ctr(kq.Acc)),
            CvrBp = CompletionOutcomes.BasisPoints(Cvr(kq.Acc)),
            Gmv = CompletionOutcomes.WholeUnits(kq.Acc.Gmv),
        };
        if (topCategories is { } top)
        {
            completion.TopCategories.AddRange(top.Take(CompletionCategories).Select(c => c.Category));
        }

        return completion;
    }
}
