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

        // Words as ids, and a stamp per query instead of a set: the loop below runs for every candidate of every query.
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var words = new int[kept.Length][];
        var postings = new List<List<int>>();
        for (var k = 0; k < kept.Length; k++)
        {
            words[k] = [.. kept[k].Acc.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w =>
            {
                if (!ids.TryGetValue(w, out var id))
                {
                    id = ids.Count;
                    ids.Add(w, id);
                    postings.Add([]);
                }

                return id;
            }).Distinct()];
            foreach (var w in words[k])
            {
                postings[w].Add(k);
            }
        }

        var idf = new double[postings.Count];
        for (var w = 0; w < postings.Count; w++)
        {
            var list = postings[w];
            idf[w] = Math.Log(1 + ((double)kept.Length / list.Count));
            list.Sort((a, b) => kept[b].Acc.Decayed.CompareTo(kept[a].Acc.Decayed));
            if (list.Count > MaxPostingsPerWord)
            {
                list.RemoveRange(MaxPostingsPerWord, list.Count - MaxPostingsPerWord);
            }
        }

        var result = new List<(int Kept, double Score)>?[kept.Length];
        var seenBy = new int[kept.Length];
        var candidates = new List<(int Kept, double Score)>();
        for (var k = 0; k < kept.Length; k++)
        {
            candidates.Clear();
            var mine = words[k];
            double mineWeight = 0;
            foreach (var x in mine)
            {
                mineWeight += idf[x];
            }

            foreach (var w in mine)
            {
                foreach (var other in postings[w])
                {
                    if (other == k || seenBy[other] == k + 1)
                    {
                        continue;
                    }

                    seenBy[other] = k + 1;
                    var theirs = words[other];
                    double shared = 0, theirsOnly = 0;
                    var sharedCount = 0;
                    foreach (var y in theirs)
                    {
                        if (Array.IndexOf(mine, y) >= 0)
                        {
                            shared += idf[y];
                            sharedCount++;
                        }
                        else
                        {
                            theirsOnly += idf[y];
                        }
                    }

                    if (sharedCount == mine.Length || sharedCount == theirs.Length)
                    {
                        continue;
                    }

                    candidates.Add((other, shared / (mineWeight + theirsOnly)));
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
            result[k] = candidates.GetRange(0, Math.Min(options.SharedWordsTop, candidates.Count));
        }

        return result;
    }
}
