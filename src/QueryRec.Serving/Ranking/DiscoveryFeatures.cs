using QueryRec.Core.Ranking;
using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// The Discover ranker's input: one <see cref="DiscoveryFeatureSchema"/> row per RELATED or REFINE candidate, from
/// its <see cref="DiscoverySignals"/>, the heuristic's score, its words against the page's query and the caller's
/// other recent queries. The same rows are scored by the model and logged for training.
/// </summary>
internal static class DiscoveryFeatures
{
    /// <summary>The rows of <paramref name="candidates"/>, <see cref="DiscoveryFeatureSchema.Count"/> floats each, in order.</summary>
    public static float[] Batch(IReadOnlyList<Candidate> candidates, string contextQuery, IEnumerable<string> recentQueries)
    {
        var width = DiscoveryFeatureSchema.Count;
        var context = Words(contextQuery);
        var recent = recentQueries.Where(q => q != contextQuery).Select(Words).ToList();
        var batch = new float[candidates.Count * width];
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            var s = c.Discovery;
            var words = Words(c.Text);
            var overlap = 0.0;
            foreach (var r in recent)
            {
                overlap = Math.Max(overlap, Jaccard(words, r));
            }

            var values = new DiscoveryFeatureValues
            {
                Q2qScore = s?.Q2q ?? 0,
                CoClickScore = s?.CoClick ?? 0,
                SharedWordsScore = s?.SharedWords ?? 0,
                CategoryHotScore = s?.CategoryHot ?? 0,
                RefineScore = s?.Refine ?? 0,
                Position = s?.Position ?? 0,
                HeuristicScore = c.Score,
                Count = s?.Count ?? 0,
                Ctr = s?.Ctr ?? 0,
                WordJaccard = Jaccard(words, context),
                ExtraWords = words.Count - context.Count,
                CandidateLength = c.Text.EnumerateRunes().Count(),
                RecentWordOverlap = overlap,
                SourceCount = s?.SourceCount ?? c.Sources.Count,
            };
            DiscoveryFeatureSchema.Fill(values, batch.AsSpan(i * width, width));
        }

        return batch;
    }

    /// <summary>The distinct whitespace-separated words of a normalized query.</summary>
    internal static HashSet<string> Words(string text) => [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>|a ∩ b| / |a ∪ b|, 0 when both are empty.</summary>
    internal static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 && b.Count == 0)
        {
            return 0;
        }

        var shared = a.Count(b.Contains);
        return (double)shared / (a.Count + b.Count - shared);
    }
}
