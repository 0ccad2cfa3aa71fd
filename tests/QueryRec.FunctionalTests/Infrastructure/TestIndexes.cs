using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.FunctionalTests.Infrastructure;

/// <summary>
/// Hand-made indexes for tests. The prefix table is computed here independently of the indexer: every
/// prefix of every query, top-K by count then text.
/// </summary>
internal static class TestIndexes
{
    public static IndexBuild FromQueries(string version, IReadOnlyDictionary<string, long> counts, int topK = 10, string categoryHint = "")
        => FromEntries(version, counts.Select(p => new TestQuery(p.Key, p.Value, categoryHint.Length == 0 ? [] : [categoryHint])), topK);

    /// <summary>An index of queries with their counts and top categories (the first is the category hint).</summary>
    public static IndexBuild FromEntries(string version, IEnumerable<TestQuery> queries, int topK = 10)
    {
        var all = queries.ToList();
        var counts = all.ToDictionary(static q => q.Text, static q => q.Count, StringComparer.Ordinal);
        var categories = all.ToDictionary(static q => q.Text, static q => q.Categories, StringComparer.Ordinal);
        string Hint(string text) => categories[text].Count > 0 ? categories[text][0] : string.Empty;
        QueryStats Stats(string text, long count)
        {
            var stats = new QueryStats { Text = text, Count = count, Popularity = count, DistinctUsers = 1, CategoryHint = Hint(text) };
            stats.TopCategories.AddRange(categories[text].Select(static c => new CategoryShare { Category = c, Clicks = 1 }));
            return stats;
        }

        Completion Complete(string text, long count)
        {
            var completion = new Completion { Text = text, Score = count, Count = count, DistinctUsers = 1, CategoryHint = Hint(text) };
            completion.TopCategories.AddRange(categories[text]);
            return completion;
        }

        var records = new List<IndexRecord>();
        var prefixes = new Dictionary<string, List<KeyValuePair<string, long>>>(StringComparer.Ordinal);
        foreach (var pair in counts)
        {
            for (var length = 1; length <= pair.Key.Length; length++)
            {
                var prefix = pair.Key[..length];
                if (!prefixes.TryGetValue(prefix, out var list))
                {
                    prefixes[prefix] = list = [];
                }

                list.Add(pair);
            }

            records.Add(new IndexRecord(IndexKeys.Query(pair.Key), Stats(pair.Key, pair.Value).ToByteArray()));
        }

        foreach (var (prefix, list) in prefixes)
        {
            var node = new PrefixNode();
            node.Completions.AddRange(list
                .OrderByDescending(static p => p.Value)
                .ThenBy(static p => p.Key, StringComparer.Ordinal)
                .Take(topK)
                .Select(p => Complete(p.Key, p.Value)));
            records.Add(new IndexRecord(IndexKeys.Prefix(prefix), node.ToByteArray()));
        }

        return IndexBuild.Create(version, DateTimeOffset.UnixEpoch.AddDays(20000), "test index", records);
    }

    /// <summary>
    /// Ten game queries with distinct counts (100 down to 10), several per first letter (g, h, x): a fresh copy of the
    /// small vocabulary the publish, fault and resilience tests share.
    /// </summary>
    public static Dictionary<string, long> GameQueries() => new(StringComparer.Ordinal)
    {
        ["gears of war 3"] = 100, ["gears of war"] = 90, ["gear head"] = 80, ["geforce"] = 70, ["gta 5"] = 60,
        ["halo reach"] = 50, ["halo 3"] = 40, ["hand"] = 30, ["xbox 360"] = 20, ["xbox one"] = 10,
    };

    /// <summary>One query of a hand-made index.</summary>
    public sealed record TestQuery(string Text, long Count, IReadOnlyList<string> Categories);

    /// <summary>The expected top completions of a prefix, computed straight from the counts.</summary>
    public static IReadOnlyList<string> ExpectedTop(IReadOnlyDictionary<string, long> counts, string prefix, int limit)
        => counts
            .Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(static p => p.Value)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(static p => p.Key)
            .ToList();
}
