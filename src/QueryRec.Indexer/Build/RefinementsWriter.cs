using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the refinements of each kept query (rf:): the narrower kept queries, best first.</summary>
internal static class RefinementsWriter
{
    /// <summary>
    /// Refinements of q: kept queries r ≠ q that hold every word of q and more words (word superset, which
    /// covers extension at a word boundary), or, when q ends with a CJK character, that start with q.
    /// Ranked by popularity(r) × (1 + min(CTR(r), 1)) desc, then text asc.
    /// </summary>
    public static int Write(KeptQuery[] kept, BuildOptions options, Action<string, IMessage> add)
    {
        var score = new double[kept.Length];
        var words = new int[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            score[k] = RefinementScore(kept[k].Acc);
            words[k] = WordCount(kept[k].Acc.Text);
        }

        // The text order does not depend on the score order: sorted on another thread meanwhile.
        var byText = Enumerable.Range(0, kept.Length).ToArray();
        void SortByText() => Array.Sort(byText, (a, b) => string.CompareOrdinal(kept[a].Acc.Text, kept[b].Acc.Text));
        var textSort = options.TableThreads > 1 ? Task.Run(SortByText) : null;
        var byScore = Enumerable.Range(0, kept.Length).ToArray();
        Array.Sort(byScore, (a, b) =>
        {
            var c = score[b].CompareTo(score[a]);
            return c != 0 ? c : string.CompareOrdinal(kept[a].Acc.Text, kept[b].Acc.Text);
        });
        // Postings hold ranks in byScore (ascending), so the candidates holding every word of q are the intersection
        // of its words' lists, walked in score order without reading any candidate's text.
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var rank = 0; rank < byScore.Length; rank++)
        {
            foreach (var w in kept[byScore[rank]].Acc.Text.Split(' ').Distinct(StringComparer.Ordinal))
            {
                if (!postings.TryGetValue(w, out var list))
                {
                    list = [];
                    postings.Add(w, list);
                }

                list.Add(rank);
            }
        }

        if (textSort is null)
        {
            SortByText();
        }
        else
        {
            textSort.Wait();
        }

        var lists = 0;
        var index = new Index(kept, score, words, byScore, postings, byText, options.RefinementTop);
        // Each query's scan reads only the shared index: the scans run on several threads, the records are added in order.
        OrderedParallel.ForEach(
            kept.Length,
            options.TableThreads,
            () => new Scanner(index),
            static (k, scanner) => scanner.Refinements(k),
            (k, list) =>
            {
                if (list is not null)
                {
                    add(IndexKeys.Refinements(kept[k].Acc.Text), list);
                    lists++;
                }
            });
        return lists;
    }

    /// <summary>What every scan reads and none writes: scores, word counts, the score order, the postings and the text order.</summary>
    private sealed record Index(
        KeptQuery[] Kept, double[] Score, int[] Words, int[] ByScore, Dictionary<string, List<int>> Postings, int[] ByText, int Top);

    /// <summary>One thread's scan of candidates, with its scratch lists.</summary>
    private sealed class Scanner(Index index)
    {
        private readonly List<int> _found = [];
        private readonly List<int> _fromWords = [];
        private readonly List<List<int>> _others = [];
        private readonly List<int> _cursors = [];

        /// <summary>The refinements of kept query <paramref name="k"/>, best first, or null when it has none.</summary>
        public RelatedQueries? Refinements(int k)
        {
            var (kept, score, words, byScore) = (index.Kept, index.Score, index.Words, index.ByScore);
            var text = kept[k].Acc.Text;
            var qWords = text.Split(' ').Distinct(StringComparer.Ordinal).ToArray();
            _found.Clear();
            var rarest = qWords.Select(w => index.Postings[w]).MinBy(l => l.Count)!;
            _others.Clear();
            _cursors.Clear();
            foreach (var w in qWords)
            {
                var posting = index.Postings[w];
                if (!ReferenceEquals(posting, rarest))
                {
                    _others.Add(posting);
                    _cursors.Add(0);
                }
            }

            // The first RefinementScanLimit candidates of the rarest word's list, in score order, that hold every
            // other word (a word superset) and more words: the first RefinementTop of them.
            var scan = Math.Min(rarest.Count, IndexBuilder.RefinementScanLimit);
            for (var i = 0; i < scan && _found.Count < index.Top; i++)
            {
                var rank = rarest[i];
                var r = byScore[rank];
                if (r == k || words[r] <= words[k])
                {
                    continue;
                }

                var common = FirstInEvery(rank);
                if (common == rank)
                {
                    _found.Add(r);
                }
                else
                {
                    // No rank between this one and common is in every list: leap over them (the next i is at common or after).
                    i = common == int.MaxValue ? scan : Seek(rarest, i + 1, common) - 1;
                }
            }

            if (IsCjk(text[^1]))
            {
                var byText = index.ByText;
                _fromWords.Clear(); // texts are distinct: a prefix match can only repeat a word-superset match
                _fromWords.AddRange(_found);
                var lo = LowerBound(byText, text);
                for (var i = lo; i < byText.Length && i - lo < IndexBuilder.RefinementScanLimit; i++)
                {
                    var r = byText[i];
                    var other = kept[r].Acc.Text;
                    if (!other.StartsWith(text, StringComparison.Ordinal))
                    {
                        break;
                    }

                    if (other.Length > text.Length && !_fromWords.Contains(r))
                    {
                        _found.Add(r);
                        if (_found.Count >= (4 * index.Top) + 16)
                        {
                            // Only the best Top of every candidate are written, and the best Top of a part hold every
                            // candidate of the part that can be: a query with thousands of extensions is not sorted whole.
                            KeepBest();
                        }
                    }
                }
            }

            if (_found.Count == 0)
            {
                return null;
            }

            var list = new RelatedQueries();
            list.Queries.AddRange(_found
                .OrderByDescending(r => score[r])
                .ThenBy(r => kept[r].Acc.Text, StringComparer.Ordinal)
                .Take(index.Top)
                .Select(r => new RelatedQuery { Text = kept[r].Acc.Text, Score = score[r], Count = kept[r].Acc.Count, Ctr = QueryRecords.Ctr(kept[r].Acc) }));
            return list;
        }

        /// <summary>Keeps the best Top candidates found so far, by the refinements' order (score desc, then text).</summary>
        private void KeepBest()
        {
            var (score, kept) = (index.Score, index.Kept);
            _found.Sort((a, b) =>
            {
                var c = score[b].CompareTo(score[a]);
                return c != 0 ? c : string.CompareOrdinal(kept[a].Acc.Text, kept[b].Acc.Text);
            });
            _found.RemoveRange(index.Top, _found.Count - index.Top);
        }

        // The first rank >= rank that every other word's list may hold (each list's first such rank, the largest of
        // them), or int.MaxValue when a list has none; the cursors only move forward (ranks are visited ascending).
        private int FirstInEvery(int rank)
        {
            var common = rank;
            for (var o = 0; o < _others.Count; o++)
            {
                var at = _cursors[o] = Seek(_others[o], _cursors[o], rank);
                if (at >= _others[o].Count)
                {
                    return int.MaxValue;
                }

                common = Math.Max(common, _others[o][at]);
            }

            return common;
        }

        private int LowerBound(int[] sorted, string key)
        {
            int lo = 0, hi = sorted.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (string.CompareOrdinal(index.Kept[sorted[mid]].Acc.Text, key) < 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }
    }

    internal static double RefinementScore(QueryAcc q) => q.Decayed * (1 + Math.Min(QueryRecords.Ctr(q), 1));

    private static int WordCount(string text) => text.Count(c => c == ' ') + 1;

    private static bool IsCjk(char c) => c is >= '\u2E80' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    /// <summary>The first index from <paramref name="at"/> on whose rank is at least <paramref name="rank"/> (gallop, then binary search).</summary>
    private static int Seek(List<int> list, int at, int rank)
    {
        if (at >= list.Count || list[at] >= rank)
        {
            return at;
        }

        var step = 1;
        var hi = at + 1;
        while (hi < list.Count && list[hi] < rank)
        {
            at = hi;
            step <<= 1;
            hi = at + step;
        }

        var lo = at + 1;
        hi = Math.Min(hi, list.Count);
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid] < rank)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
