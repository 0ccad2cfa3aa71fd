using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using QueryRec.Core.Matching;
using QueryRec.Storage.V1;

namespace QueryRec.Storage;

/// <summary>
/// Reads completion-table nodes the way the version wrote them. On a version with
/// <see cref="IndexInfo.CompleteNodesPruned"/>, a key below a complete node (one that matched at most top-K queries)
/// has no node of its own: the read takes the key's ancestors (every shorter prefix, one batched round trip), keeps
/// the longest one written and filters its completions to the key, which gives exactly the node the key would have
/// had. A key without any match costs that second round trip too, and nothing more. Used by every Suggest source
/// that reads a completion table and by <c>indexer inspect</c>; docs/data-formats.md.
/// The filtered node is remembered per ancestor message (<see cref="FilteredPerAncestor"/> keys at most), so a store
/// that hands out the same parsed ancestor again (the embedded store, the near-cache) filters a key once: the filter
/// is a pure function of the ancestor's contents, the table, the key and the variant count, and messages handed out by
/// a store are never mutated.
/// </summary>
public static class CompletionNodes
{
    /// <summary>Most filtered keys remembered per ancestor message; past that, a key is filtered on every read.</summary>
    public const int FilteredPerAncestor = 1024;

    private static readonly ConditionalWeakTable<PrefixNode, FilterCache> FilterCaches = new();

    /// <summary>The node of <paramref name="key"/> (already cut to the table's indexed length), or null when nothing matches it.</summary>
    public static async ValueTask<PrefixNode?> ReadNodeAsync(IIndexSnapshot snapshot, CompletionTable table, string key, IndexInfo info, CancellationToken cancellationToken)
    {
        var node = await snapshot.GetCompletionNodeAsync(table, key, cancellationToken);
        return node is not null || !info.CompleteNodesPruned
            ? node
            : (await FromAncestorsAsync(snapshot, table, [key], [null], info, cancellationToken))[0];
    }

    /// <summary>
    /// The nodes of several keys of one table, aligned with <paramref name="keys"/>, null where nothing matches:
    /// at most two round trips (the keys, then the ancestors of the absent ones).
    /// </summary>
    public static async ValueTask<IReadOnlyList<PrefixNode?>> ReadNodesAsync(
        IIndexSnapshot snapshot, CompletionTable table, IReadOnlyList<string> keys, IndexInfo info, CancellationToken cancellationToken)
    {
        var nodes = await snapshot.GetCompletionNodesAsync(table, keys, cancellationToken);
        return !info.CompleteNodesPruned || !nodes.Contains(null)
            ? nodes
            : await FromAncestorsAsync(snapshot, table, keys, nodes, info, cancellationToken);
    }

    /// <summary>Fills the absent nodes of <paramref name="nodes"/> from the longest written ancestor of their key, filtered.</summary>
    private static async ValueTask<IReadOnlyList<PrefixNode?>> FromAncestorsAsync(
        IIndexSnapshot snapshot, CompletionTable table, IReadOnlyList<string> keys, IReadOnlyList<PrefixNode?> nodes, IndexInfo info, CancellationToken cancellationToken)
    {
        if (snapshot is ILocalCompletionReader local)
        {
            return FromAncestorsLocal(local, table, keys, nodes, info);
        }

        if (snapshot is ICachedCompletionReader cached)
        {
            nodes = FromAncestorsCached(cached, table, keys, nodes, info, out var unresolved);
            if (!unresolved)
            {
                return nodes;
            }
        }

        var max = MaxLength(table, info);
        var ancestors = new List<string>();
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            if (nodes[i] is not null || Runes(keys[i]) > max)
            {
                continue; // a key past the indexed length has no node on any version: the caller cuts it first
            }

            foreach (var ancestor in Ancestors(keys[i]))
            {
                if (wanted.TryAdd(ancestor, ancestors.Count))
                {
                    ancestors.Add(ancestor);
                }
            }
        }

        if (ancestors.Count == 0)
        {
            return nodes;
        }

        var found = await snapshot.GetCompletionNodesAsync(table, ancestors, cancellationToken);
        var result = nodes.ToArray();
        var variants = MaxVariants(info);
        for (var i = 0; i < keys.Count; i++)
        {
            if (result[i] is not null || Runes(keys[i]) > max)
            {
                continue;
            }

            // Ancestors come longest first: the first written one is the complete node (or, when the key matches
            // nothing, a cut node whose filter keeps nothing).
            foreach (var ancestor in Ancestors(keys[i]))
            {
                if (found[wanted[ancestor]] is { } node)
                {
                    result[i] = FilterCached(node, table, keys[i], variants);
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// <see cref="FromAncestorsAsync"/> on an in-memory snapshot: each key's ancestors are probed longest first, without
    /// building their strings, and the walk stops at the first written one (the one the batched read would keep).
    /// </summary>
    private static PrefixNode?[] FromAncestorsLocal(
        ILocalCompletionReader local, CompletionTable table, IReadOnlyList<string> keys, IReadOnlyList<PrefixNode?> nodes, IndexInfo info)
    {
        var max = MaxLength(table, info);
        var variants = MaxVariants(info);
        var result = nodes.ToArray();
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (result[i] is not null || Runes(key) > max)
            {
                continue;
            }

            var end = key.Length;
            while (end > 0)
            {
                end = ShorterEnd(key, end);
                if (end > 0 && local.ReadCompletionNode(table, key.AsSpan(0, end)) is { } node)
                {
                    result[i] = FilterCached(node, table, key, variants);
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The keys whose longest written ancestor the snapshot's cache already knows (the ancestors longer than it known
    /// absent): walked longest first without a round trip, stopping at it. A key with an ancestor the cache does not
    /// know stays null, and <paramref name="unresolved"/> says the batched read must look for it.
    /// </summary>
    private static IReadOnlyList<PrefixNode?> FromAncestorsCached(
        ICachedCompletionReader cached, CompletionTable table, IReadOnlyList<string> keys, IReadOnlyList<PrefixNode?> nodes, IndexInfo info, out bool unresolved)
    {
        var max = MaxLength(table, info);
        var variants = MaxVariants(info);
        PrefixNode?[]? result = null;
        unresolved = false;
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (nodes[i] is not null || Runes(key) > max)
            {
                continue;
            }

            if (cached.TryReadResolved(table, key, out var resolved))
            {
                if (resolved is not null)
                {
                    (result ??= [.. nodes])[i] = resolved;
                }

                continue;
            }

            var known = true;
            PrefixNode? found = null;
            var end = key.Length;
            while (end > 0 && found is null)
            {
                end = ShorterEnd(key, end);
                if (end > 0 && !cached.TryReadCached(table, key[..end], out found))
                {
                    known = false;
                    break;
                }
            }

            if (!known)
            {
                unresolved = true;
                continue;
            }

            var node = found is null ? null : FilterCached(found, table, key, variants);
            cached.RememberResolved(table, key, node);
            if (node is not null)
            {
                (result ??= [.. nodes])[i] = node;
            }
        }

        return result ?? nodes;
    }

    /// <summary>The pinyin readings a version expanded per query (16 when it does not say).</summary>
    public static int MaxVariants(IndexInfo info) => info.MaxPinyinVariants > 0 ? info.MaxPinyinVariants : 16;

    /// <summary>
    /// True when a completion belongs to the node of <paramref name="key"/>: p: starts with it; py:/pi: one of the
    /// completion's own pinyin readings (full or initials) starts with it; x: it occurs at a later word start.
    /// </summary>
    public static bool Matches(CompletionTable table, Completion completion, string key, int maxVariants) => table switch
    {
        CompletionTable.Prefix => completion.Text.StartsWith(key, StringComparison.Ordinal),
        CompletionTable.PinyinFull => PinyinConverter.Default.Keys(completion.Text, maxVariants).Any(k => k.Full.StartsWith(key, StringComparison.Ordinal)),
        CompletionTable.PinyinInitials => PinyinConverter.Default.Keys(completion.Text, maxVariants).Any(k => k.Initials.StartsWith(key, StringComparison.Ordinal)),
        CompletionTable.Infix => InfixWordStarts.Contains(completion.Text, key),
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Not a completion table."),
    };

    /// <summary>The longest indexed key of a table, in runes (pinyin keys are ASCII letters).</summary>
    private static int MaxLength(CompletionTable table, IndexInfo info) => table switch
    {
        CompletionTable.PinyinFull or CompletionTable.PinyinInitials => info.MaxPinyinPrefixLength,
        CompletionTable.Infix => info.MaxInfixPrefixLength,
        _ => info.MaxPrefixLength > 0 ? info.MaxPrefixLength : int.MaxValue,
    };

    /// <summary>The filter of <paramref name="ancestor"/> to <paramref name="key"/>, remembered with the ancestor message.</summary>
    private static PrefixNode? FilterCached(PrefixNode ancestor, CompletionTable table, string key, int maxVariants)
    {
        var cache = FilterCaches.GetOrCreateValue(ancestor);
        var cacheKey = new FilterKey(table, key, maxVariants);
        if (cache.Filtered.TryGetValue(cacheKey, out var hit))
        {
            return hit;
        }

        var node = Filter(ancestor, table, key, maxVariants);
        if (Volatile.Read(ref cache.Count) < FilteredPerAncestor && cache.Filtered.TryAdd(cacheKey, node))
        {
            Interlocked.Increment(ref cache.Count);
        }

        return node;
    }

    /// <summary>The completions of <paramref name="ancestor"/> that belong to the node of <paramref name="key"/> (null when none does).</summary>
    internal static PrefixNode? Filter(PrefixNode ancestor, CompletionTable table, string key, int maxVariants)
    {
        var node = new PrefixNode();
        foreach (var completion in ancestor.Completions)
        {
            if (Matches(table, completion, key, maxVariants))
            {
                node.Completions.Add(completion);
            }
        }

        return node.Completions.Count > 0 ? node : null;
    }

    /// <summary>The end of the next shorter prefix of <paramref name="key"/> (one whole rune less than <paramref name="end"/>).</summary>
    private static int ShorterEnd(string key, int end)
        => end - (end >= 2 && char.IsLowSurrogate(key[end - 1]) && char.IsHighSurrogate(key[end - 2]) ? 2 : 1);

    /// <summary>The proper prefixes of a key, whole runes, longest first, down to one rune.</summary>
    private static IEnumerable<string> Ancestors(string key)
    {
        var end = key.Length;
        while (end > 0)
        {
            end = ShorterEnd(key, end);
            if (end > 0)
            {
                yield return key[..end];
            }
        }
    }

    private static int Runes(string key)
    {
        var runes = 0;
        for (var i = 0; i < key.Length; i++)
        {
            if (!(char.IsLowSurrogate(key[i]) && i > 0 && char.IsHighSurrogate(key[i - 1])))
            {
                runes++;
            }
        }

        return runes;
    }

    private readonly record struct FilterKey(CompletionTable Table, string Key, int MaxVariants);

    /// <summary>The filtered nodes of one ancestor message, by key.</summary>
    private sealed class FilterCache
    {
        public readonly ConcurrentDictionary<FilterKey, PrefixNode?> Filtered = new();

        public int Count;
    }
}

/// <summary>
/// A snapshot held in memory (the embedded store's) that reads a completion node synchronously by a key given as
/// characters, so that <see cref="CompletionNodes"/> can probe a key's ancestors one at a time, longest first, without
/// building their key strings and without reading the shorter ones once a longer one is found.
/// </summary>
internal interface ILocalCompletionReader
{
    /// <summary>The node of <paramref name="key"/> in <paramref name="table"/> as written (no ancestor walk), or null.</summary>
    PrefixNode? ReadCompletionNode(CompletionTable table, ReadOnlySpan<char> key);
}

/// <summary>
/// A snapshot with a cache of completion nodes in front of its store (the server's near-cache): what it knows of a
/// node without a round trip, so the ancestor walk of a pruned version asks the store only for what the cache lacks.
/// </summary>
public interface ICachedCompletionReader
{
    /// <summary>True when the cache knows the node of <paramref name="key"/> (<paramref name="node"/>: null when absent).</summary>
    bool TryReadCached(CompletionTable table, string key, out PrefixNode? node);

    /// <summary>
    /// True when the cache remembers what the ancestor walk made of <paramref name="key"/> (<see cref="RememberResolved"/>):
    /// its filtered node, or null when nothing matches it. One lookup instead of the walk for a key read again.
    /// </summary>
    bool TryReadResolved(CompletionTable table, string key, out PrefixNode? node);

    /// <summary>Remembers the node the ancestor walk gave <paramref name="key"/> (null: nothing matches it).</summary>
    void RememberResolved(CompletionTable table, string key, PrefixNode? node);
}
