using System.Runtime.InteropServices;
using Google.Protobuf;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the completion tables (p:, py:, pi:, x:) from their entries in ranking order and each entry's keys.</summary>
internal sealed class CompletionTableWriter(BuildOptions options, Action<string, IMessage> add)
{
    private readonly Lock _gate = new();

    /// <summary>
    /// Writes one completion table: every key of every kept query takes the first K queries reaching it in
    /// ranking order. <paramref name="keysOf"/> fills the distinct keys of a kept query that fall in a partition (a
    /// query appears at most once per node, even when several of its readings or word starts give the same key). With
    /// <see cref="BuildOptions.PruneCompleteNodes"/>, a key is written only when it is the root of its branch (its
    /// parent, the key one rune shorter, is not a key of the table), its parent matched more than K queries, or its
    /// node differs from the nearest written ancestor's filtered to the key (pinyin tables only: a match through a
    /// secondary reading scores lower below the key where the primary reading stops matching). Below a complete
    /// node (at most K matches) every other node is a filtered subset of it, and servers filter it themselves.
    /// The table is built in passes (<see cref="BuildOptions.TablePartitions"/>), each over the keys whose first rune
    /// falls in its partition: a key and its parent share their first rune, so each pass is self-contained and the
    /// records are the same whatever the number of passes (the index sorts them by key).
    /// </summary>
    public int Write(CompletionTable table, int[] order, Func<int, Completion> completions, Action<int, TablePartition, HashSet<string>> keysOf, Action<int, List<(string Source, int Start)>> sourcesOf)
    {
        var partitions = TableSlicing.Passes(options, options.TablePartitions > 0
            ? options.TablePartitions
            : Math.Clamp((order.Length + BuildOptions.EntriesPerTablePartition - 1) / BuildOptions.EntriesPerTablePartition, 1, BuildOptions.MaxTablePartitions));
        if (partitions == 1)
        {
            return WritePartition(table, order, completions, keysOf, new TablePartition(0, 1), head: null);
        }

        // The one-rune keys first, over every entry; their nodes stay for the two-rune keys' parents (in every slice of
        // a partitioned build, which writes them in slice 0 only).
        var head = new Dictionary<string, TableNode>(StringComparer.Ordinal);
        var written = WritePartition(table, order, completions, keysOf, TablePartition.Head(partitions), head, keep: head, emit: TableSlicing.WritesShared(options));

        // Each entry goes once, in order, to the passes its key sources fall in, so a pass visits only its own
        // entries instead of every entry: linear in the entries, not in entries × passes.
        var passes = new List<int>[partitions];
        var seenIn = new int[partitions];
        Array.Fill(seenIn, -1);
        var sources = new List<(string Source, int Start)>();
        foreach (var e in order)
        {
            sources.Clear();
            sourcesOf(e, sources);
            foreach (var (source, start) in sources)
            {
                var p = TablePartition.Of(source, start, partitions);
                if (p >= 0 && seenIn[p] != e && TableSlicing.WritesPass(options, p))
                {
                    seenIn[p] = e;
                    (passes[p] ??= []).Add(e);
                }
            }
        }

        // The passes share only the head (read) and the sink (locked): any number may run at once.
        Parallel.For(0, partitions, new ParallelOptions { MaxDegreeOfParallelism = options.TableThreads }, p =>
        {
            if (passes[p] is { } entries)
            {
                passes[p] = null!;
                Interlocked.Add(ref written, WritePartition(table, CollectionsMarshal.AsSpan(entries), completions, keysOf, new TablePartition(p, partitions), head));
            }
        });

        return written;
    }

    /// <summary>
    /// One pass of <see cref="Write"/>. <paramref name="head"/>: the head pass's nodes, where a two-rune key
    /// finds its parent; <paramref name="keep"/>: where this pass leaves its nodes (the head pass), else they are dropped;
    /// <paramref name="emit"/>: false to build the nodes without writing them (the head pass in slices other than 0).
    /// </summary>
    private int WritePartition(CompletionTable table, ReadOnlySpan<int> order, Func<int, Completion> completions, Action<int, TablePartition, HashSet<string>> keysOf, TablePartition partition, Dictionary<string, TableNode>? head, Dictionary<string, TableNode>? keep = null, bool emit = true)
    {
        var nodes = keep ?? new Dictionary<string, TableNode>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var topK = options.TopK;
        foreach (var k in order)
        {
            keys.Clear();
            keysOf(k, partition, keys);
            foreach (var key in keys)
            {
                ref var node = ref CollectionsMarshal.GetValueRefOrAddDefault(nodes, key, out _);
                node ??= new TableNode();
                node.Add(k, topK);
            }
        }

        if (!options.PruneCompleteNodes)
        {
            if (!emit)
            {
                return 0;
            }

            foreach (var (key, node) in nodes)
            {
                Emit(IndexKeys.Completions(table, key), node.ToPrefixNode(completions));
            }

            return nodes.Count;
        }

        // Shorter keys first, so that a key's parent already knows its nearest written ancestor.
        var byLength = new List<List<string>>();
        foreach (var key in nodes.Keys)
        {
            while (byLength.Count <= key.Length)
            {
                byLength.Add([]);
            }

            byLength[key.Length].Add(key);
        }

        var written = 0;
        var inPass = nodes.GetAlternateLookup<ReadOnlySpan<char>>();
        var inHead = head is null || ReferenceEquals(head, nodes) ? inPass : head.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var key in byLength.SelectMany(static l => l))
        {
            var node = nodes[key];
            var last = key.Length >= 2 && char.IsLowSurrogate(key[^1]) && char.IsHighSurrogate(key[^2]) ? 2 : 1;
            if (key.Length > last
                && (inPass.TryGetValue(key.AsSpan(0, key.Length - last), out var parent) || inHead.TryGetValue(key.AsSpan(0, key.Length - last), out parent))
                && parent.Matches <= topK
                && IsFilteredAncestor(node, parent.WrittenAncestor!, completions))
            {
                node.WrittenAncestor = parent.WrittenAncestor;
                continue;
            }

            node.WrittenAncestor = node;
            if (emit)
            {
                Emit(IndexKeys.Completions(table, key), node.ToPrefixNode(completions));
                written++;
            }
        }

        return written;
    }

    /// <summary>
    /// True when <paramref name="node"/>, complete, is exactly <paramref name="ancestor"/>'s completions that it
    /// holds, same scores, same order: what a server gets by filtering the ancestor.
    /// </summary>
    private void Emit(string key, PrefixNode node)
    {
        lock (_gate)
        {
            add(key, node);
        }
    }

    private static bool IsFilteredAncestor(TableNode node, TableNode ancestor, Func<int, Completion> completions)
    {
        var next = 0;
        for (var a = 0; a < ancestor.Count; a++)
        {
            var completion = completions(ancestor.Top[a]);
            var held = false;
            for (var m = 0; m < node.Count; m++)
            {
                if (string.Equals(completions(node.Top[m]).Text, completion.Text, StringComparison.Ordinal))
                {
                    held = true;
                    break;
                }
            }

            if (!held)
            {
                continue;
            }

            if (next == node.Count)
            {
                return false;
            }

            var mine = completions(node.Top[next]);
            if (!string.Equals(mine.Text, completion.Text, StringComparison.Ordinal) || mine.Score != completion.Score)
            {
                return false;
            }

            next++;
        }

        return next == node.Count;
    }

    /// <summary>
    /// A completion-table node being built: the number of entries that reach its key and the first K of them in
    /// ranking order, as indices into the table's completions (the <see cref="PrefixNode"/> is made when written).
    /// </summary>
    private sealed class TableNode
    {
        /// <summary>Entries reaching the key.</summary>
        public int Matches { get; private set; }

        /// <summary>How many of <see cref="Top"/> are set (at most K).</summary>
        public int Count { get; private set; }

        /// <summary>The first <see cref="Count"/> entries, in ranking order (grows to K).</summary>
        public int[] Top { get; private set; } = [];

        /// <summary>Pruning: the node itself when written, else the written ancestor a server filters for it.</summary>
        public TableNode? WrittenAncestor { get; set; }

        public void Add(int entry, int topK)
        {
            Matches++;
            if (Count >= topK)
            {
                return;
            }

            if (Count == Top.Length)
            {
                var grown = new int[Math.Min(topK, Math.Max(1, Count * 2))];
                Top.AsSpan().CopyTo(grown);
                Top = grown;
            }

            Top[Count++] = entry;
        }

        public PrefixNode ToPrefixNode(Func<int, Completion> completions)
        {
            var node = new PrefixNode();
            for (var i = 0; i < Count; i++)
            {
                node.Completions.Add(completions(Top[i]));
            }

            return node;
        }
    }
}
