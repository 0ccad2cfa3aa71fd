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
    {
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

            records.Add(new IndexRecord(IndexKeys.Query(pair.Key), new QueryStats { Text = pair.Key, Count = pair.Value, Popularity = pair.Value, DistinctUsers = 1, CategoryHint = categoryHint }.ToByteArray()));
        }

        foreach (var (prefix, list) in prefixes)
        {
            var node = new PrefixNode();
            node.Completions.AddRange(list
                .OrderByDescending(static p => p.Value)
                .ThenBy(static p => p.Key, StringComparer.Ordinal)
                .Take(topK)
                .Select(p => new Completion { Text = p.Key, Score = p.Value, Count = p.Value, DistinctUsers = 1, CategoryHint = categoryHint }));
            records.Add(new IndexRecord(IndexKeys.Prefix(prefix), node.ToByteArray()));
        }

        return IndexBuild.Create(version, DateTimeOffset.UnixEpoch.AddDays(20000), "test index", records);
    }

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
