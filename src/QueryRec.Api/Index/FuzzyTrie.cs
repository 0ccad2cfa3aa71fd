using System.Text;

namespace QueryRec.Api.Index;

/// <summary>One vocabulary prefix within the edit bound of a fuzzy lookup.</summary>
/// <param name="Prefix">The vocabulary prefix (a key of the prefix table).</param>
/// <param name="Distance">Its optimal-string-alignment distance to the input.</param>
/// <param name="Rank">The popularity rank of its most popular vocabulary text (0 is the most popular).</param>
internal readonly record struct FuzzyMatch(string Prefix, int Distance, int Rank);

/// <summary>
/// A trie of vocabulary texts truncated to a maximum length, in compact arrays (first child, next sibling, rune
/// label, best rank per node: no object per node), searched with a Damerau-Levenshtein (optimal string alignment)
/// DP-row walk that prunes a branch as soon as its row minimum exceeds the edit bound.
/// </summary>
internal sealed class FuzzyTrie
{
    private const int Root = 0;
    private readonly int[] _firstChild;
    private readonly int[] _nextSibling;
    private readonly int[] _label;
    private readonly int[] _bestRank;

    private FuzzyTrie(int[] firstChild, int[] nextSibling, int[] label, int[] bestRank, int maxDepth, int texts)
    {
        _firstChild = firstChild;
        _nextSibling = nextSibling;
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
    public long ApproximateBytes => 4L * 4 * _label.Length;

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

        return new FuzzyTrie([.. firstChild], [.. nextSibling], [.. label], [.. bestRank], maxDepth, entries.Count);
    }

    /// <summary>
    /// The vocabulary prefixes within <paramref name="maxEdits"/> of <paramref name="input"/> (distance 0 excluded:
    /// that is the exact prefix), nearest first, then most popular, then shortest, at most <paramref name="take"/>.
    /// </summary>
    public IReadOnlyList<FuzzyMatch> Search(string input, int maxEdits, int take)
    {
        var query = new List<int>();
        foreach (var rune in input.EnumerateRunes())
        {
            query.Add(rune.Value);
        }

        var found = new List<(int Node, string Text, int Distance)>();
        var n = query.Count;
        var depthLimit = Math.Min(MaxDepth, n + maxEdits);
        var rows = new int[depthLimit + 1][];
        for (var d = 0; d <= depthLimit; d++)
        {
            rows[d] = new int[n + 1];
        }

        for (var j = 0; j <= n; j++)
        {
            rows[0][j] = j;
        }

        var pathLabels = new int[depthLimit + 1];

        // Iterative depth-first walk: (node, depth) pairs; the rows of the current path are kept per depth.
        var stack = new Stack<(int Node, int Depth)>();
        for (var child = _firstChild[Root]; child >= 0; child = _nextSibling[child])
        {
            stack.Push((child, 1));
        }

        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            var c = _label[node];
            pathLabels[depth] = c;
            var cur = rows[depth];
            var prev = rows[depth - 1];
            cur[0] = depth;
            var rowMin = cur[0];
            for (var j = 1; j <= n; j++)
            {
                var cost = query[j - 1] == c ? 0 : 1;
                var value = Math.Min(Math.Min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
                if (depth > 1 && j > 1 && c == query[j - 2] && pathLabels[depth - 1] == query[j - 1])
                {
                    value = Math.Min(value, rows[depth - 2][j - 2] + 1);
                }

                cur[j] = value;
                rowMin = Math.Min(rowMin, value);
            }

            if (cur[n] <= maxEdits && cur[n] > 0)
            {
                found.Add((node, Text(pathLabels, depth), cur[n]));
            }

            // The row minimum never decreases with depth (transpositions included), so nothing below can match.
            if (rowMin > maxEdits || depth == depthLimit)
            {
                continue;
            }

            for (var child = _firstChild[node]; child >= 0; child = _nextSibling[child])
            {
                stack.Push((child, depth + 1));
            }
        }

        // Nearest first, then most popular, then shortest (a shorter prefix holds more completions), then stable.
        found.Sort((a, b) =>
        {
            var order = a.Distance.CompareTo(b.Distance);
            order = order != 0 ? order : _bestRank[a.Node].CompareTo(_bestRank[b.Node]);
            order = order != 0 ? order : a.Text.Length.CompareTo(b.Text.Length);
            return order != 0 ? order : a.Node.CompareTo(b.Node);
        });
        var result = new List<FuzzyMatch>(Math.Min(take, found.Count));
        foreach (var (node, text, distance) in found.Take(take))
        {
            result.Add(new FuzzyMatch(text, distance, _bestRank[node]));
        }

        return result;
    }

    private static string Text(int[] pathLabels, int depth)
    {
        var builder = new StringBuilder(depth);
        for (var d = 1; d <= depth; d++)
        {
            builder.Append(new Rune(pathLabels[d]).ToString());
        }

        return builder.ToString();
    }
}
