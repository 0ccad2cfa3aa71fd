using System.Runtime.InteropServices;
using System.Text;

namespace QueryRec.Serving.Index;

/// <summary>One vocabulary prefix within the edit bound of a fuzzy lookup.</summary>
/// <param name="Prefix">The vocabulary prefix (a key of the prefix table).</param>
/// <param name="Distance">Its optimal-string-alignment distance to the input.</param>
/// <param name="Rank">The popularity rank of its most popular vocabulary text (0 is the most popular).</param>
internal readonly record struct FuzzyMatch(string Prefix, int Distance, int Rank);

/// <summary>
/// A trie of vocabulary texts truncated to a maximum length, in compact arrays (nodes in breadth-first order, so a
/// node's children are one contiguous run sorted by label: child start, rune label and best rank per node, 12 bytes,
/// no object per node), searched with a Damerau-Levenshtein (optimal string alignment) DP-row walk over the diagonal
/// band that prunes a branch as soon as its row minimum exceeds the edit bound. A row with no slack left (minimum
/// equal to the bound) can only be continued by a few labels of the input: those children are found by binary
/// search instead of visiting every child (the root of a Chinese vocabulary has thousands).
/// </summary>
internal sealed class FuzzyTrie
{
    private const int Root = 0;

    /// <summary>The calling thread's working memory for <see cref="Search"/>.</summary>
    [ThreadStatic]
    private static Scratch? _scratch;

    private readonly int[] _childStart;
    private readonly int[] _label;
    private readonly int[] _bestRank;

    private FuzzyTrie(int[] childStart, int[] label, int[] bestRank, int maxDepth, int texts)
    {
        _childStart = childStart;
        _label = label;
        _bestRank = bestRank;
        MaxDepth = maxDepth;
        TextCount = texts;
    }

    /// <summary>Nodes, the root included.</summary>
    public int NodeCount => _label.Length;

    /// <summary>The deepest node, in runes (at most the truncation length).</summary>
    public int MaxDepth { get; }

    /// <summary>The texts it was built from (after the vocabulary bound).</summary>
    public int TextCount { get; }

    /// <summary>Approximate bytes held by the arrays.</summary>
    public long ApproximateBytes => 4L * 3 * _label.Length;

    /// <summary>
    /// Builds the trie of <paramref name="texts"/> (most popular first: the position is the rank), each truncated to
    /// <paramref name="maxLength"/> runes, keeping at most <paramref name="maxTexts"/> texts.
    /// </summary>
    public static FuzzyTrie Build(IEnumerable<string> texts, int maxLength, int maxTexts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTexts, 0);
        var entries = new List<(int[] Runes, int Rank)>();
        foreach (var text in texts)
        {
            if (entries.Count >= maxTexts)
            {
                break;
            }

            var runes = new List<int>(Math.Min(text.Length, maxLength));
            foreach (var rune in text.EnumerateRunes())
            {
                if (runes.Count == maxLength)
                {
                    break;
                }

                runes.Add(rune.Value);
            }

            entries.Add((runes.ToArray(), entries.Count));
        }

        // Sorted by runes, a text shares its path with the previous one up to their common prefix: the trie is
        // built in one sweep, appending nodes in depth-first order.
        entries.Sort(static (a, b) => a.Runes.AsSpan().SequenceCompareTo(b.Runes));
        var firstChild = new List<int> { -1 };
        var nextSibling = new List<int> { -1 };
        var label = new List<int> { 0 };
        var bestRank = new List<int> { int.MaxValue };
        var lastChild = new List<int> { -1 };
        var path = new List<int> { Root };
        int[] previous = [];
        var maxDepth = 0;
        foreach (var (runes, rank) in entries)
        {
            var common = 0;
            while (common < runes.Length && common < previous.Length && runes[common] == previous[common])
            {
                common++;
            }

            path.RemoveRange(common + 1, path.Count - common - 1);
            for (var i = common; i < runes.Length; i++)
            {
                var parent = path[i];
                var node = label.Count;
                firstChild.Add(-1);
                nextSibling.Add(-1);
                label.Add(runes[i]);
                bestRank.Add(int.MaxValue);
                lastChild.Add(-1);

                // Siblings arrive in sorted order: the new node goes after the parent's last child.
                if (firstChild[parent] < 0)
                {
                    firstChild[parent] = node;
                }
                else
                {
                    nextSibling[lastChild[parent]] = node;
                }

                lastChild[parent] = node;

                path.Add(node);
            }

            foreach (var node in path)
            {
                bestRank[node] = Math.Min(bestRank[node], rank);
            }

            maxDepth = Math.Max(maxDepth, runes.Length);
            previous = runes;
        }

        // Renumber breadth-first: the children of each node become one contiguous run, in label order.
        var count = label.Count;
        var order = new int[count];
        var childStart = new int[count + 1];
        order[0] = Root;
        var next = 1;
        for (var i = 0; i < count; i++)
        {
            childStart[i] = next;
            for (var child = firstChild[order[i]]; child >= 0; child = nextSibling[child])
            {
                order[next++] = child;
            }
        }

        childStart[count] = next;
        var labels = new int[count];
        var ranks = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = label[order[i]];
            ranks[i] = bestRank[order[i]];
        }

        return new FuzzyTrie(childStart, labels, ranks, maxDepth, entries.Count);
    }

    /// <summary>
    /// The vocabulary prefixes within <paramref name="maxEdits"/> of <paramref name="input"/> (distance 0 excluded:
    /// that is the exact prefix), nearest first, then most popular, then shortest, at most <paramref name="take"/>.
    /// </summary>
    /// <remarks>
    /// The walk's working memory (DP rows, path, stack, matches) is one per thread and reused across calls (the search
    /// is synchronous): only the returned list and the texts of the matches taken are allocated.
    /// </remarks>
    public IReadOnlyList<FuzzyMatch> Search(string input, int maxEdits, int take)
    {
        var scratch = _scratch ??= new Scratch();
        scratch.Query.Clear();
        foreach (var rune in input.EnumerateRunes())
        {
            scratch.Query.Add(rune.Value);
        }

        var query = CollectionsMarshal.AsSpan(scratch.Query);
        var cap = maxEdits + 1;
        var n = query.Length;
        var width = n + 1;
        var depthLimit = Math.Min(MaxDepth, n + maxEdits);

        // The rows of the current path, one per depth, in one flat array (row d at d * width).
        var rows = scratch.Rows(depthLimit + 1, width);
        for (var j = 0; j <= n; j++)
        {
            rows[j] = Math.Min(j, cap);
        }

        var pathLabels = scratch.Path(depthLimit + 1);
        var found = scratch.Found;
        var foundLabels = scratch.FoundLabels;
        found.Clear();
        foundLabels.Clear();

        // Iterative depth-first walk: (node, depth) pairs; the rows of the current path are kept per depth.
        var stack = scratch.Stack;
        stack.Clear();
        for (var child = _childStart[Root]; child < _childStart[Root + 1]; child++)
        {
            stack.Push((child, 1));
        }

        Span<int> wanted = stackalloc int[(2 * ((2 * maxEdits) + 1)) + 2];

        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            var c = _label[node];
            pathLabels[depth] = c;
            var cur = rows.AsSpan(depth * width, width);
            var prev = rows.AsSpan((depth - 1) * width, width);

            // Only the diagonal band |depth - j| <= maxEdits can be within the bound; the cells just outside it
            // are set to the cap so the next rows read "too far" there.
            var lo = Math.Max(0, depth - maxEdits);
            var hi = Math.Min(n, depth + maxEdits);
            var rowMin = cap;
            if (lo == 0)
            {
                cur[0] = depth;
                rowMin = depth;
            }
            else
            {
                cur[lo - 1] = cap;
            }

            for (var j = Math.Max(lo, 1); j <= hi; j++)
            {
                var cost = query[j - 1] == c ? 0 : 1;
                var value = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (depth > 1 && j > 1 && c == query[j - 2] && pathLabels[depth - 1] == query[j - 1])
                {
                    value = Math.Min(value, rows[((depth - 2) * width) + j - 2] + 1);
                }

                value = Math.Min(value, cap);
                cur[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (hi < n)
            {
                cur[hi + 1] = cap;
            }

            var distance = n >= lo && n <= hi ? cur[n] : cap;
            if (distance <= maxEdits && distance > 0)
            {
                // The text is built only for the matches taken: keep its runes and its UTF-16 length (the sort key).
                var chars = 0;
                for (var d = 1; d <= depth; d++)
                {
                    foundLabels.Add(pathLabels[d]);
                    chars += pathLabels[d] > 0xFFFF ? 2 : 1;
                }

                found.Add(new Found(node, foundLabels.Count - depth, depth, chars, distance));
            }

            // The row minimum never decreases with depth (transpositions included), so nothing below can match.
            if (rowMin > maxEdits || depth == depthLimit)
            {
                continue;
            }

            var first = _childStart[node];
            var end = _childStart[node + 1];
            if (rowMin < maxEdits)
            {
                for (var child = first; child < end; child++)
                {
                    stack.Push((child, depth + 1));
                }

                continue;
            }

            // No slack: a child keeps a cell within the bound only by matching the input where this row is at the
            // bound (cur[j - 1] + 0), or by completing a transposition (rows[depth - 1][j - 2] + 1 with the child
            // matching input j - 2 and this node input j - 1).
            var wantedCount = 0;
            for (var j = Math.Max(lo, 1); j <= Math.Min(hi + 1, n); j++)
            {
                if (cur[j - 1] <= maxEdits)
                {
                    wanted[wantedCount++] = query[j - 1];
                }

                if (j > 1 && c == query[j - 1] && prev[j - 2] < maxEdits)
                {
                    wanted[wantedCount++] = query[j - 2];
                }
            }

            wanted[..wantedCount].Sort();
            for (var w = 0; w < wantedCount; w++)
            {
                if (w > 0 && wanted[w] == wanted[w - 1])
                {
                    continue;
                }

                var at = Array.BinarySearch(_label, first, end - first, wanted[w]);
                if (at >= 0)
                {
                    stack.Push((at, depth + 1));
                }
            }
        }

        // Nearest first, then most popular, then shortest (a shorter prefix holds more completions), then stable.
        var bestRank = _bestRank;
        CollectionsMarshal.AsSpan(found).Sort((a, b) =>
        {
            var order = a.Distance.CompareTo(b.Distance);
            order = order != 0 ? order : bestRank[a.Node].CompareTo(bestRank[b.Node]);
            order = order != 0 ? order : a.Chars.CompareTo(b.Chars);
            return order != 0 ? order : a.Node.CompareTo(b.Node);
        });
        var count = Math.Min(take, found.Count);
        var result = new List<FuzzyMatch>(count);
        for (var i = 0; i < count; i++)
        {
            var match = found[i];
            result.Add(new FuzzyMatch(Text(CollectionsMarshal.AsSpan(foundLabels).Slice(match.Start, match.Depth), match.Chars), match.Distance, bestRank[match.Node]));
        }

        return result;
    }

    private static string Text(ReadOnlySpan<int> labels, int chars)
    {
        Span<char> buffer = chars <= 256 ? stackalloc char[chars] : new char[chars];
        var at = 0;
        foreach (var label in labels)
        {
            at += new Rune(label).EncodeToUtf16(buffer[at..]);
        }

        return new string(buffer[..at]);
    }

    /// <summary>A match of the walk: its node, its runes in <see cref="Scratch.FoundLabels"/>, its UTF-16 length and distance.</summary>
    private readonly record struct Found(int Node, int Start, int Depth, int Chars, int Distance);

    /// <summary>The working memory of one thread's searches, reused across calls.</summary>
    private sealed class Scratch
    {
        private int[] _rows = new int[256];
        private int[] _path = new int[32];

        public List<int> Query { get; } = new(32);

        public Stack<(int Node, int Depth)> Stack { get; } = new(1024);

        public List<Found> Found { get; } = new(64);

        public List<int> FoundLabels { get; } = new(512);

        public int[] Rows(int depths, int width)
        {
            if (_rows.Length < depths * width)
            {
                _rows = new int[depths * width];
            }

            return _rows;
        }

        public int[] Path(int depths)
        {
            if (_path.Length < depths)
            {
                _path = new int[depths];
            }

            return _path;
        }
    }
}
