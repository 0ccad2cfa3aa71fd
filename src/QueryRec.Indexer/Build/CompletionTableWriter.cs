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
            return WritePartition(table, order, completions, keysOf, new TablePartition(0, 1), new PassTrie(options.TopK), head: null);
        }

        // The one-rune keys first, over every entry; their nodes stay for the two-rune keys' parents (in every slice of
        // a partitioned build, which writes them in slice 0 only).
        var head = new PassTrie(options.TopK);
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
        // reuse one trie, cleared between them, rather than growing a new one each time.
        Parallel.For(
            0,
            partitions,
            new ParallelOptions { MaxDegreeOfParallelism = options.TableThreads },
            () => new PassTrie(options.TopK),
            (p, _, nodes) =>
            {
                if (passes[p] is { } entries)
                {
                    passes[p] = null!;
                    nodes.Clear();
                    Interlocked.Add(ref written, WritePartition(table, CollectionsMarshal.AsSpan(entries), completions, keysOf, new TablePartition(p, partitions), nodes, head));
                }

                return nodes;
            },
            static _ => { });

        return written;
    }

    /// <summary>
    /// One pass of <see cref="Write"/>: builds the pass's nodes in <paramref name="nodes"/> (empty), then writes them.
    /// <paramref name="head"/>: the head pass's nodes, where a two-rune key finds its parent (null when the table is
    /// built in one pass); <paramref name="emit"/>: false to build the nodes without writing them (the head pass in
    /// slices other than 0).
    /// </summary>
    private int WritePartition(CompletionTable table, ReadOnlySpan<int> order, ICompletionEntries completions, Action<int, TablePartition, ITableKeys> keysOf, TablePartition partition, PassTrie nodes, PassTrie? head, bool emit = true)
    {
        var keys = new PassTrie.Keys(nodes);
        foreach (var k in order)
        {
            keys.Entry = k;
            keysOf(k, partition, keys);
        }

        var chars = new char[64];
        var written = 0;
        for (var node = PassTrie.Root + 1; node < nodes.Count; node++)
        {
            if (nodes.Matches(node) == 0)
            {
                continue;
            }

            if (options.PruneCompleteNodes && IsCoveredByAncestor(node, nodes, head, completions))
            {
                continue;
            }

            nodes.Ancestor(node) = node;
            if (emit)
            {
                if (chars.Length < nodes.Depth(node))
                {
                    chars = new char[nodes.Depth(node) * 2];
                }

                Emit(IndexKeys.Completions(table, new string(nodes.Key(node, chars))), PrefixNodeBytes.Write(nodes.Top(node), completions));
                written++;
            }
        }

        return written;
    }

    /// <summary>
    /// With <see cref="BuildOptions.PruneCompleteNodes"/>: true when the node need not be written, because its parent
    /// (the key one rune shorter, in this pass or, for a two-rune key, in the head pass) matched at most K entries
    /// and the node is its nearest written ancestor filtered to the key; the node then remembers that ancestor.
    /// Nodes are visited parents first (<see cref="PassTrie"/> ids), so the parent's ancestor is known. An ancestor
    /// in the head pass is stored as its id's complement (~id), one in the same trie as its id.
    /// </summary>
    private bool IsCoveredByAncestor(int node, PassTrie nodes, PassTrie? head, ICompletionEntries completions)
    {
        var depth = nodes.Depth(node);
        var parent = nodes.Parent(node);
        var last = 1;
        if (depth >= 2 && char.IsLowSurrogate(nodes.Unit(node)) && char.IsHighSurrogate(nodes.Unit(parent)))
        {
            last = 2;
            parent = nodes.Parent(parent);
        }

        if (depth <= last)
        {
            return false;
        }

        int ancestor;
        if (nodes.Matches(parent) > 0)
        {
            if (nodes.Matches(parent) > options.TopK)
            {
                return false;
            }

            ancestor = nodes.Ancestor(parent);
        }
        else if (head is not null && !ReferenceEquals(head, nodes) && depth - last <= 2 && HeadNode(nodes, parent, head) is var h && h > 0 && head.Matches(h) > 0)
        {
            if (head.Matches(h) > options.TopK)
            {
                return false;
            }

            ancestor = ~head.Ancestor(h);
        }
        else
        {
            return false;
        }

        var ancestorTop = ancestor >= 0 ? nodes.Top(ancestor) : head!.Top(~ancestor);
        if (!IsFilteredAncestor(nodes.Top(node), ancestorTop, completions))
        {
            return false;
        }

        nodes.Ancestor(node) = ancestor;
        return true;
    }

    /// <summary>The head pass's node for the key of <paramref name="node"/> (at most two code units: one rune), or −1.</summary>
    private static int HeadNode(PassTrie nodes, int node, PassTrie head)
    {
        Span<char> key = stackalloc char[2];
        return head.Find(nodes.Key(node, key));
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

    private static bool IsFilteredAncestor(ReadOnlySpan<int> node, ReadOnlySpan<int> ancestor, ICompletionEntries completions)
    {
        var next = 0;
        foreach (var a in ancestor)
        {
            var query = completions.QueryOf(a);
            var held = false;
            foreach (var m in node)
            {
                if (completions.QueryOf(m) == query)
                {
                    held = true;
                    break;
                }
            }

            if (!held)
            {
                continue;
            }

            if (next == node.Length)
            {
                return false;
            }

            var mine = node[next];
            if (completions.QueryOf(mine) != query || completions.ScoreOf(mine) != completions.ScoreOf(a))
            {
                return false;
            }

            next++;
        }

        return next == node.Length;
    }
}
