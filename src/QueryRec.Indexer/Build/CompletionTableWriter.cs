using System.Runtime.InteropServices;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>Writes the completion tables (p:, py:, pi:, x:) from their entries in ranking order and each entry's keys.</summary>
internal sealed class CompletionTableWriter(BuildOptions options, Action<string, byte[]> add)
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
    public int Write(CompletionTable table, int[] order, ICompletionEntries completions, Action<int, TablePartition, ITableKeys> keysOf, Action<int, List<(string Source, int Start)>> sourcesOf)
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
        var written = WritePartition(table, order, completions, keysOf, TablePartition.Head(partitions), head, head, emit: TableSlicing.WritesShared(options));

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

        // The passes share only the head (read) and the sink (locked): any number may run at once. A thread's passes
        // reuse one node table, cleared between them, rather than growing a new one each time.
        Parallel.For(
            0,
            partitions,
            new ParallelOptions { MaxDegreeOfParallelism = options.TableThreads },
            () => new Dictionary<string, TableNode>(StringComparer.Ordinal),
            (p, _, nodes) =>
            {
                if (passes[p] is { } entries)
                {
                    passes[p] = null!;
                    nodes.Clear();
                    Interlocked.Add(ref written, WritePartition(table, CollectionsMarshal.AsSpan(entries), completions, keysOf, new TablePartition(p, partitions), head, nodes));
                }

                return nodes;
            },
            static _ => { });

        return written;
    }

    /// <summary>
    /// One pass of <see cref="Write"/>. <paramref name="head"/>: the head pass's nodes, where a two-rune key
    /// finds its parent; <paramref name="nodes"/>: where this pass puts its nodes (empty; the head pass's are kept);
    /// <paramref name="emit"/>: false to build the nodes without writing them (the head pass in slices other than 0).
    /// </summary>
    private int WritePartition(CompletionTable table, ReadOnlySpan<int> order, ICompletionEntries completions, Action<int, TablePartition, ITableKeys> keysOf, TablePartition partition, Dictionary<string, TableNode>? head, Dictionary<string, TableNode>? nodes = null, bool emit = true)
    {
        nodes ??= new Dictionary<string, TableNode>(StringComparer.Ordinal);
        var topK = options.TopK;
        var keys = new PassKeys(nodes, topK);
        foreach (var k in order)
        {
            keys.Entry = k;
            keysOf(k, partition, keys);
        }

        if (!options.PruneCompleteNodes)
        {
            if (!emit)
            {
                return 0;
            }

            foreach (var (key, node) in nodes)
            {
                Emit(IndexKeys.Completions(table, key), PrefixNodeBytes.Write(node.Entries, completions));
            }

            return nodes.Count;
        }

        // Shorter keys first, so that a key's parent already knows its nearest written ancestor.
        var byLength = new List<List<KeyValuePair<string, TableNode>>>();
        foreach (var pair in nodes)
        {
            while (byLength.Count <= pair.Key.Length)
            {
                byLength.Add([]);
            }

            byLength[pair.Key.Length].Add(pair);
        }

        var written = 0;
        var inPass = nodes.GetAlternateLookup<ReadOnlySpan<char>>();
        var inHead = head is null || ReferenceEquals(head, nodes) ? inPass : head.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (key, node) in byLength.SelectMany(static l => l))
        {
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
                Emit(IndexKeys.Completions(table, key), PrefixNodeBytes.Write(node.Entries, completions));
                written++;
            }
        }

        return written;
    }

    /// <summary>Hands a node's record (the serialized <see cref="QueryRec.Storage.V1.PrefixNode"/>) to the sink; passes may run at once.</summary>
    private void Emit(string key, byte[] node)
    {
        lock (_gate)
        {
            add(key, node);
        }
    }

    /// <summary>
    /// True when <paramref name="node"/>, complete, is exactly <paramref name="ancestor"/>'s completions that it
    /// holds, same scores, same order: what a server gets by filtering the ancestor (same query, same text).
    /// </summary>

    private static bool IsFilteredAncestor(TableNode node, TableNode ancestor, ICompletionEntries completions)
    {
        var next = 0;
        for (var a = 0; a < ancestor.Count; a++)
        {
            var query = completions.QueryOf(ancestor.Top[a]);
            var held = false;
            for (var m = 0; m < node.Count; m++)
            {
                if (completions.QueryOf(node.Top[m]) == query)
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

            var mine = node.Top[next];
            if (completions.QueryOf(mine) != query || completions.ScoreOf(mine) != completions.ScoreOf(ancestor.Top[a]))
            {
                return false;
            }

            next++;
        }

        return next == node.Count;
    }

    /// <summary>
    /// A completion-table node being built: the number of entries that reach its key and the first K of them in
    /// ranking order, as indices into the table's completions (the node's record is put together when written, <see cref="PrefixNodeBytes"/>).
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

        /// <summary>The entry added last: an entry reaching the key again (another reading or word start) counts once.</summary>
        private int _lastEntry = -1;

        public void Add(int entry, int topK)
        {
            if (entry == _lastEntry)
            {
                return;
            }

            _lastEntry = entry;
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

        /// <summary>The entries the node's record holds, in order.</summary>
        public ReadOnlySpan<int> Entries => Top.AsSpan(0, Count);
    }

    /// <summary>One pass's nodes as the entries' keys reach them: a key seen before finds its node from the span.</summary>
    private sealed class PassKeys(Dictionary<string, TableNode> nodes, int topK) : ITableKeys
    {
        private readonly Dictionary<string, TableNode>.AlternateLookup<ReadOnlySpan<char>> _nodes = nodes.GetAlternateLookup<ReadOnlySpan<char>>();

        /// <summary>The entry whose keys are being added.</summary>
        public int Entry { get; set; }

        public void Add(ReadOnlySpan<char> key)
        {
            ref var node = ref CollectionsMarshal.GetValueRefOrAddDefault(_nodes, key, out _);
            node ??= new TableNode();
            node.Add(Entry, topK);
        }
    }
}
