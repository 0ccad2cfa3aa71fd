using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Writes the Discover RELATED list of each kept query (rd:): its q2q list, then its co-clicked queries
/// (<see cref="CoClickNeighbors"/>), then, only while the list is shorter than <see cref="BuildOptions.RelatedFillTo"/>
/// (the fills bound the index: a query-list build has no sessions or clicks, and every query would otherwise carry
/// <see cref="BuildOptions.SharedWordsTop"/> entries), the queries sharing its words (<see cref="SharedWordNeighbors"/>)
/// and its category's hot queries. A text is kept
/// once, from the first source that has it; each entry keeps its source and that source's score, so serving can weigh
/// the sources (scores of different sources are not comparable). The r: lists stay pure q2q: Suggest reads them as
/// session signals.
/// </summary>
internal static class DiscoveryRelatedWriter
{
    public static (int Lists, long Entries) Write(
        LogAggregator agg,
        KeptQuery[] kept,
        int[] keptIndex,
        Dictionary<int, RelatedQueries> q2q,
        BuildOptions options,
        Action<string, IMessage> add)
    {
        var coClick = CoClickNeighbors.Compute(agg, keptIndex, kept.Length, options);
        var sharedWords = SharedWordNeighbors.Compute(kept, options);
        var categoryHot = CategoryHot(kept, options.RelatedFillTo + 1);
        var q2qByKept = new RelatedQueries?[kept.Length];
        foreach (var (a, list) in q2q)
        {
            q2qByKept[keptIndex[a]] = list;
        }

        var lists = 0;
        long entries = 0;
        var texts = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < kept.Length; k++)
        {
            var self = kept[k].Acc.Text;
            var record = new RelatedQueries();
            texts.Clear();
            texts.Add(self);
            foreach (var q in q2qByKept[k]?.Queries ?? [])
            {
                Add(q.Text, q.Score, q.Count, RelatedSource.Q2Q);
            }

            foreach (var (other, score) in coClick[k] ?? [])
            {
                Add(kept[other].Acc.Text, score, 0, RelatedSource.CoClick);
            }

            foreach (var (other, score) in sharedWords[k] ?? [])
            {
                if (record.Queries.Count >= options.RelatedFillTo)
                {
                    break;
                }

                Add(kept[other].Acc.Text, score, 0, RelatedSource.SharedWords);
            }

            foreach (var other in categoryHot.GetValueOrDefault(kept[k].CategoryHint) ?? [])
            {
                if (record.Queries.Count >= options.RelatedFillTo)
                {
                    break;
                }

                Add(kept[other].Acc.Text, kept[other].Acc.Decayed, kept[other].Acc.Count, RelatedSource.CategoryHot);
            }

            if (record.Queries.Count > 0)
            {
                lists++;
                entries += record.Queries.Count;
                add(IndexKeys.DiscoveryRelated(self), record);
            }

            void Add(string text, double score, long count, RelatedSource source)
            {
                if (texts.Add(text))
                {
                    record.Queries.Add(new RelatedQuery { Text = text, Score = score, Count = count, Source = source });
                }
            }
        }

        return (lists, entries);
    }

    /// <summary>The most popular kept queries of each category hint (none for queries without one), best first.</summary>
    private static Dictionary<string, List<int>> CategoryHot(KeptQuery[] kept, int top)
    {
        var result = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var group in Enumerable.Range(0, kept.Length).Where(k => kept[k].CategoryHint.Length > 0).GroupBy(k => kept[k].CategoryHint, StringComparer.Ordinal))
        {
            result.Add(group.Key, [.. group.OrderByDescending(k => kept[k].Acc.Decayed).ThenBy(k => kept[k].Acc.Text, StringComparer.Ordinal).Take(top)]);
        }

        return result;
    }
}
