namespace QueryRec.Indexer.Build;

/// <summary>
/// Queries that share words with a query without being its refinement or its narrower form: "ps3 games" for "ps3
/// controller", "wireless mouse" for "wireless keyboard". The lexical fallback for queries no user linked yet.
/// </summary>
internal static class SharedWordNeighbors
{
    /// <summary>Postings walked per word, most popular queries first: bounds the work for common words.</summary>
    public const int MaxPostingsPerWord = 100;

    /// <summary>
    /// For each kept query, the kept queries sharing at least one word, neither holding every word of the other
    /// (those are refinements, which REFINE shows), best first, at most <see cref="BuildOptions.SharedWordsTop"/>.
    /// Score: the IDF-weighted Jaccard of the two word sets (idf(w) = ln(1 + N / df(w)) over the N kept queries),
    /// ties by popularity, then text.
    /// </summary>
    public static List<(int Kept, double Score)>?[] Compute(KeptQuery[] kept, BuildOptions options)
    {
        if (options.SharedWordsTop == 0 || options.RelatedFillTo == 0)
        {
            return new List<(int Kept, double Score)>?[kept.Length];
        }

        var words = kept.Select(static k => k.Acc.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToArray()).ToArray();
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var k = 0; k < kept.Length; k++)
        {
            foreach (var w in words[k])
            {
                if (!postings.TryGetValue(w, out var list))
                {
                    list = [];
                    postings.Add(w, list);
                }

                list.Add(k);
            }
        }

        var idf = new Dictionary<string, double>(postings.Count, StringComparer.Ordinal);
        foreach (var (w, list) in postings)
        {
            idf[w] = Math.Log(1 + ((double)kept.Length / list.Count));
            list.Sort((a, b) => kept[b].Acc.Decayed.CompareTo(kept[a].Acc.Decayed));
            if (list.Count > MaxPostingsPerWord)
            {
                list.RemoveRange(MaxPostingsPerWord, list.Count - MaxPostingsPerWord);
            }
        }

        var result = new List<(int Kept, double Score)>?[kept.Length];
        var seen = new HashSet<int>();
        for (var k = 0; k < kept.Length; k++)
        {
            seen.Clear();
            var mine = words[k];
            var candidates = new List<(int Kept, double Score)>();
            foreach (var w in mine)
            {
                foreach (var other in postings[w])
                {
                    if (other == k || !seen.Add(other))
                    {
                        continue;
                    }

                    var theirs = words[other];
                    double shared = 0, union = 0;
                    int sharedCount = 0;
                    foreach (var x in mine)
                    {
                        union += idf[x];
                        if (Array.IndexOf(theirs, x) >= 0)
                        {
                            shared += idf[x];
                            sharedCount++;
                        }
                    }

                    if (sharedCount == mine.Length || sharedCount == theirs.Length)
                    {
                        continue;
                    }

                    foreach (var y in theirs)
                    {
                        union += Array.IndexOf(mine, y) >= 0 ? 0 : idf[y];
                    }

                    candidates.Add((other, shared / union));
                }
            }

            if (candidates.Count == 0)
            {
                continue;
            }

            candidates.Sort((a, b) =>
            {
                var c = b.Score.CompareTo(a.Score);
                c = c != 0 ? c : kept[b.Kept].Acc.Decayed.CompareTo(kept[a.Kept].Acc.Decayed);
                return c != 0 ? c : string.CompareOrdinal(kept[a.Kept].Acc.Text, kept[b.Kept].Acc.Text);
            });
            result[k] = candidates.Count > options.SharedWordsTop ? candidates.GetRange(0, options.SharedWordsTop) : candidates;
        }

        return result;
    }
}
