using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Turns the aggregated statistics into index records: hygiene, query stats, the completion tables (prefix,
/// full pinyin, initials, word-start infix), the vocabulary chunks, q2q, i2q, refinements, hot and trending
/// lists and pins. Formulas: docs/indexer-build.md.
/// </summary>
internal sealed class OutputBuilder(LogAggregator agg, BuildOptions options, Action<IndexRecord> sink)
{
    /// <summary>Top categories carried by each completion (best first).</summary>
    internal const int CompletionCategories = 3;

    private readonly List<KeyValuePair<string, double>> _phases = [];
    private Kept[] _kept = [];
    private int[] _keptIndex = []; // query id -> index in _kept, or -1

    public BuildSummary Summary { get; private set; } = new();

    /// <summary>Builds every output, handing each record to the sink (in no particular order).</summary>
    public void Build()
    {
        Timed("hygiene", ApplyHygiene);
        var topCategories = Timed("categories", TopCategories);
        Timed("q:", () => WriteQueries(topCategories));
        var order = Timed("order", RankingOrder);
        var completions = Timed("completions", () => Completions(topCategories));
        var maxPrefix = options.MaxPrefixLength;
        var prefixNodes = Timed("p:", () => WriteTable(
            CompletionTable.Prefix,
            order,
            k => completions[k],
            (k, partition, keys) =>
            {
                var text = _kept[k].Acc.Text;
                if (!partition.Holds(text, 0))
                {
                    return;
                }

                AddPrefixes(text, maxPrefix, 1, partition, keys);
            },
            (k, sources) => sources.Add((_kept[k].Acc.Text, 0))));
        var pinyin = options.Pinyin ? WritePinyinTables(order, completions) : default;
        var infixNodes = options.Infix
            ? Timed("x:", () => WriteTable(
                CompletionTable.Infix,
                order,
                k => completions[k],
                (k, partition, keys) => InfixKeys(_kept[k].Acc.Text, options.MaxInfixPrefixLength, options.MinLatinInfixLength, keys, partition),
                (k, sources) =>
                {
                    var text = _kept[k].Acc.Text;
                    foreach (var (index, _) in InfixWordStarts.Of(text))
                    {
                        sources.Add((text, index));
                    }
                }))
            : 0;
        var vocabulary = Timed("v:", () => WriteVocabulary(order));
        var (relatedLists, relatedPairs) = Timed("r:", WriteRelated);
        var itemLists = Timed("it:", WriteItemQueries);
        var refinementLists = Timed("rf:", WriteRefinements);
        var (hotLists, trendingLists) = Timed("h: t:", () => WriteHotAndTrending(topCategories));
        if (options.Lists.Pins.Count > 0)
        {
            var pins = new PinList();
            pins.Pins.AddRange(options.Lists.Pins.OrderBy(p => p.Query, StringComparer.Ordinal).Select(p => new Pin { Text = p.Query, Category = p.Category }));
            Add(IndexKeys.Pins, pins);
        }

        Summary = Summary with
        {
            QueriesKept = _kept.Length,
            PrefixNodes = prefixNodes,
            PinyinQueries = pinyin.Queries,
            PinyinFullNodes = pinyin.Full,
            PinyinInitialsNodes = pinyin.Initials,
            InfixNodes = infixNodes,
            VocabularySize = vocabulary.Size,
            VocabularyChunks = vocabulary.Chunks,
            RelatedLists = relatedLists,
            RelatedPairs = relatedPairs,
            ItemLists = itemLists,
            RefinementLists = refinementLists,
            HotLists = hotLists,
            TrendingLists = trendingLists,
            OutputPhaseSeconds = _phases,
        };
    }

    /// <summary>Runs one output step, recording its wall time under <paramref name="name"/> (the build summary's per-output timings).</summary>
    private T Timed<T>(string name, Func<T> step)
    {
        var start = Stopwatch.GetTimestamp();
        var result = step();
        _phases.Add(new(name, Stopwatch.GetElapsedTime(start).TotalSeconds));
        return result;
    }

    private void Timed(string name, Action step) => Timed<bool>(name, () =>
    {
        step();
        return true;
    });

    /// <summary>Hygiene, in this order (the first rule that matches counts the removal): pins keep, then numeric, blacklist, zero results, min count, min users.</summary>
    private void ApplyHygiene()
    {
        var lists = options.Lists;
        var pins = lists.Pins.ToDictionary(p => p.Query, StringComparer.Ordinal);
        var queries = agg.Queries;
        var byText = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < queries.Count; i++)
        {
            byText[queries[i].Text] = i;
        }

        foreach (var pin in lists.Pins)
        {
            if (!byText.ContainsKey(pin.Query))
            {
                byText[pin.Query] = queries.Count;
                queries.Add(new QueryAcc(pin.Query)); // pinned but never searched: kept with zero counts
            }
        }

        int seen = 0, numeric = 0, blacklist = 0, zero = 0, minCount = 0, minUsers = 0, rescued = 0;
        var kept = new List<Kept>();
        _keptIndex = new int[queries.Count];
        Array.Fill(_keptIndex, -1);
        for (var id = 0; id < queries.Count; id++)
        {
            var q = queries[id];
            if (q.Count > 0)
            {
                seen++;
            }

            var pinned = pins.TryGetValue(q.Text, out var pin);
            string? rule = null;
            if (q.Count == 0)
            {
                rule = "unsearched"; // a fragment only, or clicked without a final search: not a query of the log
            }
            else if (IndexBuilder.IsNumericId(q.Text, options.NumericMinDigits))
            {
                rule = "numeric";
            }
            else if (lists.IsBlacklisted(q.Text))
            {
                rule = "blacklist";
            }
            else if (IsZeroResult(q))
            {
                rule = "zero";
            }
            else if (q.Count < options.MinCount)
            {
                rule = "count";
            }
            else if (q.Users < options.MinUsers)
            {
                rule = "users";
            }

            if (pinned)
            {
                if (rule is not null)
                {
                    rescued++;
                }
            }
            else
            {
                switch (rule)
                {
                    case "unsearched": continue;
                    case "numeric": numeric++; continue;
                    case "blacklist": blacklist++; continue;
                    case "zero": zero++; continue;
                    case "count": minCount++; continue;
                    case "users": minUsers++; continue;
                }
            }

            _keptIndex[id] = kept.Count;
            kept.Add(new Kept(id, q, pinned, pinned ? pin!.Category : string.Empty));
        }

        var misspellings = 0;
        if (options.MisspellingRatio > 0 && kept.Count > 0)
        {
            // Misspellings of a much more popular kept query leave the completion tables (pinned ones stay).
            var dominant = Misspellings.Find(kept.ConvertAll(k => k.Acc.Text), kept.ConvertAll(k => k.Acc.Count), options.MisspellingRatio);
            var correct = new List<Kept>(kept.Count);
            for (var k = 0; k < kept.Count; k++)
            {
                if (dominant[k] >= 0 && !kept[k].Pinned)
                {
                    _keptIndex[kept[k].Id] = -1;
                    misspellings++;
                    continue;
                }

                _keptIndex[kept[k].Id] = correct.Count;
                correct.Add(kept[k]);
            }

            kept = correct;
        }

        _kept = [.. kept];
        Summary = Summary with
        {
            RemovedByMisspelling = misspellings,
            QueriesSeen = seen,
            RemovedByNumeric = numeric,
            RemovedByBlacklist = blacklist,
            RemovedByZeroResults = zero,
            RemovedByMinCount = minCount,
            RemovedByMinUsers = minUsers,
            Pinned = lists.Pins.Count,
            PinnedRescued = rescued,
        };
    }

    /// <summary>
    /// Zero-result rule: an external result count (file) decides when present (0 → removed); otherwise the
    /// share of the query's final searches with a known result count that returned none, if ≥ the threshold.
    /// </summary>
    private bool IsZeroResult(QueryAcc q)
    {
        if (options.Lists.ResultCounts.TryGetValue(q.Text, out var external))
        {
            return external == 0;
        }

        return q.KnownResults > 0 && (double)q.ZeroResults / q.KnownResults >= options.ZeroResultShare;
    }

    /// <summary>Per kept query: its top categories by clicks (count desc, id asc) with shares of all categorized clicks.</summary>
    private List<CategoryShare>?[] TopCategories()
    {
        var perQuery = new List<(int Category, int Clicks)>?[_kept.Length];
        foreach (var (key, clicks) in agg.CategoryClicks)
        {
            var k = _keptIndex[(int)(key >> 32)];
            if (k >= 0)
            {
                (perQuery[k] ??= []).Add(((int)(key & 0xFFFFFFFF), clicks));
            }
        }

        var result = new List<CategoryShare>?[_kept.Length];
        for (var k = 0; k < perQuery.Length; k++)
        {
            var list = perQuery[k];
            if (list is null)
            {
                continue;
            }

            double total = list.Sum(c => (long)c.Clicks);
            result[k] = list
                .Select(c => (Name: agg.CategoryNames[c.Category], c.Clicks))
                .OrderByDescending(c => c.Clicks)
                .ThenBy(c => c.Name, StringComparer.Ordinal)
                .Take(options.TopCategories)
                .Select(c => new CategoryShare { Category = c.Name, Clicks = c.Clicks, Share = c.Clicks / total })
                .ToList();
        }

        return result;
    }

    private void WriteQueries(List<CategoryShare>?[] topCategories)
    {
        for (var k = 0; k < _kept.Length; k++)
        {
            var kq = _kept[k];
            var q = kq.Acc;
            var hint = kq.PinCategory.Length > 0 ? kq.PinCategory : topCategories[k]?[0].Category ?? string.Empty;
            kq.CategoryHint = hint;
            var stats = new QueryStats
            {
                Text = q.Text,
                Count = q.Count,
                DistinctUsers = q.Users,
                Popularity = q.Decayed,
                CategoryHint = hint,
                Clicks = q.Clicks,
                Carts = q.Carts,
                Orders = q.Orders,
                Gmv = q.Gmv,
                Ctr = Ctr(q),
                Cvr = Cvr(q),
                Pinned = kq.Pinned,
                SearchesWithResultCount = q.KnownResults,
                ZeroResultSearches = q.ZeroResults,
            };
            if (topCategories[k] is { } top)
            {
                stats.TopCategories.AddRange(top);
            }

            Add(IndexKeys.Query(q.Text), stats);
        }
    }

    private static double Ctr(QueryAcc q) => q.Count == 0 ? 0 : (double)q.Clicks / q.Count;

    private static double Cvr(QueryAcc q) => q.Count == 0 ? 0 : (double)q.Orders / q.Count;

    /// <summary>Kept-query indices in ranking order: popularity desc, distinct users desc, text asc (ordinal).</summary>
    private int[] RankingOrder()
    {
        var order = new int[_kept.Length];
        for (var k = 0; k < order.Length; k++)
        {
            order[k] = k;
        }

        Array.Sort(order, (x, y) =>
        {
            var a = _kept[x].Acc;
            var b = _kept[y].Acc;
            var c = b.Decayed.CompareTo(a.Decayed);
            if (c != 0)
            {
                return c;
            }

            c = b.Users.CompareTo(a.Users);
            return c != 0 ? c : string.CompareOrdinal(a.Text, b.Text);
        });
        return order;
    }

    /// <summary>The completion of each kept query, shared by every table it appears in.</summary>
    private Completion[] Completions(List<CategoryShare>?[] topCategories)
    {
        var completions = new Completion[_kept.Length];
        for (var k = 0; k < _kept.Length; k++)
        {
            var kq = _kept[k];
            var completion = new Completion
            {
                Text = kq.Acc.Text,
                Score = kq.Acc.Decayed,
                Count = kq.Acc.Count,
                DistinctUsers = kq.Acc.Users,
                CategoryHint = kq.CategoryHint,
                Pinned = kq.Pinned,
                CtrBp = CompletionOutcomes.BasisPoints(Ctr(kq.Acc)),
                CvrBp = CompletionOutcomes.BasisPoints(Cvr(kq.Acc)),
                Gmv = CompletionOutcomes.WholeUnits(kq.Acc.Gmv),
            };
            if (topCategories[k] is { } top)
            {
                completion.TopCategories.AddRange(top.Take(CompletionCategories).Select(c => c.Category));
            }

            completions[k] = completion;
        }

        return completions;
    }

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
    private int WriteTable(CompletionTable table, int[] order, Func<int, Completion> completions, Action<int, TablePartition, HashSet<string>> keysOf, Action<int, List<(string Source, int Start)>> sourcesOf)
    {
        var partitions = options.TablePartitions > 0
            ? options.TablePartitions
            : Math.Clamp((order.Length + BuildOptions.EntriesPerTablePartition - 1) / BuildOptions.EntriesPerTablePartition, 1, BuildOptions.MaxTablePartitions);
        if (partitions == 1)
        {
            return WriteTablePartition(table, order, completions, keysOf, new TablePartition(0, 1), head: null);
        }

        // The one-rune keys first, over every entry; their nodes stay for the two-rune keys' parents.
        var head = new Dictionary<string, TableNode>(StringComparer.Ordinal);
        var written = WriteTablePartition(table, order, completions, keysOf, TablePartition.Head(partitions), head, keep: head);

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
                if (p >= 0 && seenIn[p] != e)
                {
                    seenIn[p] = e;
                    (passes[p] ??= []).Add(e);
                }
            }
        }

        for (var p = 0; p < partitions; p++)
        {
            if (passes[p] is { } entries)
            {
                passes[p] = null!;
                written += WriteTablePartition(table, CollectionsMarshal.AsSpan(entries), completions, keysOf, new TablePartition(p, partitions), head);
            }
        }

        return written;
    }

    /// <summary>
    /// One pass of <see cref="WriteTable"/>. <paramref name="head"/>: the head pass's nodes, where a two-rune key
    /// finds its parent; <paramref name="keep"/>: where this pass leaves its nodes (the head pass), else they are dropped.
    /// </summary>
    private int WriteTablePartition(CompletionTable table, ReadOnlySpan<int> order, Func<int, Completion> completions, Action<int, TablePartition, HashSet<string>> keysOf, TablePartition partition, Dictionary<string, TableNode>? head, Dictionary<string, TableNode>? keep = null)
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
            foreach (var (key, node) in nodes)
            {
                Add(IndexKeys.Completions(table, key), node.ToPrefixNode(completions));
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
            Add(IndexKeys.Completions(table, key), node.ToPrefixNode(completions));
            written++;
        }

        return written;
    }

    /// <summary>
    /// True when <paramref name="node"/>, complete, is exactly <paramref name="ancestor"/>'s completions that it
    /// holds, same scores, same order: what a server gets by filtering the ancestor.
    /// </summary>
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

    /// <summary>The pinyin tables: for each kept query with a hanzi, every prefix of the full pinyin and of the initials of each reading.</summary>
    private (int Full, int Initials, int Queries) WritePinyinTables(int[] order, Completion[] completions)
    {
        var readingsStart = Stopwatch.GetTimestamp();
        var converter = PinyinConverter.Default;

        // A query's readings (up to MaxPinyinVariants of two strings each) are packed into one UTF-8 array while the
        // tables are built: as objects they were the largest part of the build's memory at 10^7 queries.
        var readings = new PackedPinyinKeys[_kept.Length];
        var queries = 0;

        // A match through a less likely reading of a polyphone ranks lower: each (query, number of non-primary
        // readings) is its own entry, scored popularity x weight^secondary, and holds only the keys that no more
        // likely reading of the same query gave (a query appears once per node, at its best weight).
        // An entry is (query, level, score); the Completion of a secondary level (a clone of the query's, with the
        // lower score) is made when a node holding it is written, not kept for every entry.
        var entryList = new List<PinyinEntry>();
        var levels = new List<int>();
        for (var k = 0; k < _kept.Length; k++)
        {
            var text = _kept[k].Acc.Text;
            if (!HasHanzi(converter, text))
            {
                continue;
            }

            var keysOfQuery = converter.Keys(text, options.MaxPinyinVariants);
            readings[k] = PackedPinyinKeys.Pack(keysOfQuery);
            queries++;
            levels.Clear();
            foreach (var reading in keysOfQuery)
            {
                if (!levels.Contains(reading.SecondaryReadings))
                {
                    levels.Add(reading.SecondaryReadings);
                    entryList.Add(new(k, reading.SecondaryReadings, completions[k].Score * Math.Pow(options.PinyinSecondaryWeight, reading.SecondaryReadings)));
                }
            }
        }

        var rank = new int[_kept.Length];
        for (var i = 0; i < order.Length; i++)
        {
            rank[order[i]] = i;
        }

        // Entries sorted in place (best score, then the query's ranking position, then the level: a total order), so
        // an entry's index is its position in the table order.
        var entries = entryList.ToArray();
        entryList = null;
        Array.Sort(entries, (x, y) =>
        {
            var byScore = y.Score.CompareTo(x.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byRank = rank[x.Kept].CompareTo(rank[y.Kept]);
            return byRank != 0 ? byRank : x.Level.CompareTo(y.Level);
        });
        rank = null!;
        var entryOrder = new int[entries.Length];
        for (var i = 0; i < entryOrder.Length; i++)
        {
            entryOrder[i] = i;
        }

        var clones = new Dictionary<int, Completion>();
        Completion CompletionOf(int e)
        {
            var (kept, level, score) = entries[e];
            if (level == 0)
            {
                return completions[kept]; // weight^0 = 1: the query's own completion and score
            }

            if (!clones.TryGetValue(e, out var clone))
            {
                if (clones.Count >= 1 << 20)
                {
                    clones.Clear(); // bounded: a clone made again is equal to the one dropped
                }

                clone = completions[kept].Clone();
                clone.Score = score;
                clones.Add(e, clone);
            }

            return clone;
        }

        var max = options.MaxPinyinPrefixLength;
        var lower = new HashSet<string>(StringComparer.Ordinal);
        var all = new List<PinyinKey>();
        var atLevel = new List<PinyinKey>();
        var below = new List<PinyinKey>();
        void KeysOf(int e, bool initialsTable, TablePartition partition, HashSet<string> keys)
        {
            var (kept, level, _) = entries[e];
            readings[kept].Unpack(all, initialsTable);
            atLevel.Clear();
            below.Clear();
            foreach (var reading in all)
            {
                if (reading.SecondaryReadings < level)
                {
                    below.Add(reading);
                }
                else if (reading.SecondaryReadings == level)
                {
                    atLevel.Add(reading);
                }
            }

            lower.Clear();
            PinyinPrefixes(below, initialsTable, max, lower, partition);
            PinyinPrefixes(atLevel, initialsTable, max, keys, partition);
            keys.ExceptWith(lower);
        }

        void SourcesOf(int e, bool initialsTable, List<(string Source, int Start)> sources)
        {
            var (kept, level, _) = entries[e];
            readings[kept].Unpack(all, initialsTable);
            foreach (var r in all)
            {
                if (r.SecondaryReadings == level)
                {
                    sources.Add((initialsTable ? r.Initials : r.Full, 0));
                }
            }
        }

        _phases.Add(new("pinyin readings", Stopwatch.GetElapsedTime(readingsStart).TotalSeconds));
        var full = Timed("py:", () => WriteTable(CompletionTable.PinyinFull, entryOrder, CompletionOf, (e, partition, keys) => KeysOf(e, initialsTable: false, partition, keys), (e, sources) => SourcesOf(e, initialsTable: false, sources)));
        var initials = Timed("pi:", () => WriteTable(CompletionTable.PinyinInitials, entryOrder, CompletionOf, (e, partition, keys) => KeysOf(e, initialsTable: true, partition, keys), (e, sources) => SourcesOf(e, initialsTable: true, sources)));
        return (full, initials, queries);
    }

    /// <summary>True when the text has at least one rune with a pinyin reading.</summary>
    internal static bool HasHanzi(PinyinConverter converter, string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (converter.IsHanzi(rune))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every prefix (1 to <paramref name="maxLength"/> runes) of the full pinyin or of the initials of each reading.</summary>
    internal static void PinyinPrefixes(IReadOnlyList<PinyinKey>? readings, bool initials, int maxLength, ICollection<string> keys, TablePartition partition = default)
    {
        if (readings is null)
        {
            return;
        }

        foreach (var reading in readings)
        {
            var source = initials ? reading.Initials : reading.Full;
            if (!partition.Holds(source, 0))
            {
                continue;
            }

            AddPrefixes(source, maxLength, 1, partition, keys);
        }
    }

    /// <summary>The prefixes of <paramref name="source"/> from <paramref name="minRunes"/> to <paramref name="maxRunes"/> runes that <paramref name="partition"/> holds.</summary>
    private static void AddPrefixes(string source, int maxRunes, int minRunes, TablePartition partition, ICollection<string> keys)
    {
        var min = Math.Max(minRunes, partition.MinRunes);
        var runes = 0;
        foreach (var prefix in QueryNormalizer.IndexedPrefixes(source, partition.MaxRunes(maxRunes)))
        {
            if (++runes >= min)
            {
                keys.Add(prefix);
            }
        }
    }

    /// <summary>
    /// The word-start infix keys of a normalized query: from every word start after position 0, the suffix cut to
    /// <paramref name="maxRunes"/> runes and each of its prefixes, at least 1 rune long from a hanzi and at least
    /// <paramref name="minLatinRunes"/> from any other start. A word starts after a space, at every hanzi
    /// (characters, no segmenter), and at a letter or digit right after a hanzi (script change).
    /// </summary>
    internal static void InfixKeys(string text, int maxRunes, int minLatinRunes, ICollection<string> keys, TablePartition partition = default)
    {
        foreach (var (index, han) in InfixWordStarts.Of(text))
        {
            if (!partition.Holds(text, index))
            {
                continue;
            }

            AddPrefixes(text[index..], maxRunes, han ? 1 : minLatinRunes, partition, keys);
        }
    }

    /// <summary>The vocabulary chunks ("v:{n}"): the most popular kept queries, in ranking order, 5,000 per chunk.</summary>
    private (int Size, int Chunks) WriteVocabulary(int[] order)
    {
        var size = Math.Min(order.Length, options.MaxVocabulary);
        var chunks = 0;
        for (var start = 0; start < size; start += BuildOptions.VocabularyChunkSize)
        {
            var chunk = new VocabularyChunk();
            var end = Math.Min(size, start + BuildOptions.VocabularyChunkSize);
            for (var i = start; i < end; i++)
            {
                chunk.Texts.Add(_kept[order[i]].Acc.Text);
            }

            Add(IndexKeys.Vocabulary(chunks++), chunk);
        }

        return (size, chunks);
    }

    /// <summary>
    /// q2q: for a transition a → b seen in k11 sessions, the log-likelihood ratio G² of the 2×2 table of
    /// sessions (a is a source, b is a target) over the N sessions with a transition; kept when k11 ≥ min
    /// support and the association is positive (k11·N &gt; c(a)·c(b)).
    /// </summary>
    private (int Lists, long Pairs) WriteRelated()
    {
        var perSource = new Dictionary<int, List<RelatedQuery>>();
        long n = agg.TransitionSessions;
        foreach (var (key, k11) in agg.Transitions)
        {
            if (k11 < options.Q2qMinSupport)
            {
                continue;
            }

            var a = (int)(key >> 32);
            var b = (int)(key & 0xFFFFFFFF);
            if (_keptIndex[a] < 0 || _keptIndex[b] < 0)
            {
                continue;
            }

            long ca = agg.Queries[a].Sources, cb = agg.Queries[b].Targets;
            if (k11 * n <= ca * cb)
            {
                continue;
            }

            var llr = LogLikelihoodRatio(k11, ca - k11, cb - k11, n - ca - cb + k11);
            if (!perSource.TryGetValue(a, out var list))
            {
                list = [];
                perSource.Add(a, list);
            }

            list.Add(new RelatedQuery { Text = agg.Queries[b].Text, Score = llr, Count = k11 });
        }

        long pairs = 0;
        foreach (var (a, list) in perSource)
        {
            var top = new RelatedQueries();
            top.Queries.AddRange(list.OrderByDescending(r => r.Score).ThenBy(r => r.Text, StringComparer.Ordinal).Take(options.Q2qTop));
            pairs += top.Queries.Count;
            Add(IndexKeys.Related(agg.Queries[a].Text), top);
        }

        return (perSource.Count, pairs);
    }

    /// <summary>Dunning's G² = 2 Σ k_ij ln(k_ij N / (row_i col_j)) of a 2×2 table (0 ln 0 = 0).</summary>
    internal static double LogLikelihoodRatio(long k11, long k12, long k21, long k22)
    {
        double n = k11 + k12 + k21 + k22;
        double r1 = k11 + k12, r2 = k21 + k22, c1 = k11 + k21, c2 = k12 + k22;
        return 2 * (Term(k11, r1, c1) + Term(k12, r1, c2) + Term(k21, r2, c1) + Term(k22, r2, c2));

        double Term(long k, double row, double col) => k == 0 ? 0 : k * Math.Log(k * n / (row * col));
    }

    /// <summary>i2q: per item, weight = clicks + 2·carts + 4·orders of each kept query; top N by weight desc, text asc.</summary>
    private int WriteItemQueries()
    {
        var perItem = new Dictionary<int, List<ItemQuery>>();
        foreach (var (key, acc) in agg.ItemQueries)
        {
            var item = (int)(key >> 32);
            var q = (int)(key & 0xFFFFFFFF);
            if (_keptIndex[q] < 0)
            {
                continue;
            }

            if (!perItem.TryGetValue(item, out var list))
            {
                list = [];
                perItem.Add(item, list);
            }

            list.Add(new ItemQuery
            {
                Text = agg.Queries[q].Text,
                Weight = acc.Clicks + (2.0 * acc.Carts) + (4.0 * acc.Orders),
                Clicks = acc.Clicks,
                Carts = acc.Carts,
                Orders = acc.Orders,
            });
        }

        foreach (var (item, list) in perItem)
        {
            var top = new ItemQueries();
            top.Queries.AddRange(list.OrderByDescending(r => r.Weight).ThenBy(r => r.Text, StringComparer.Ordinal).Take(options.I2qTop));
            Add(IndexKeys.Item(agg.ItemNames[item]), top);
        }

        return perItem.Count;
    }

    /// <summary>
    /// Refinements of q: kept queries r ≠ q that hold every word of q and more words (word superset, which
    /// covers extension at a word boundary), or, when q ends with a CJK character, that start with q.
    /// Ranked by popularity(r) × (1 + min(CTR(r), 1)) desc, then text asc.
    /// </summary>
    private int WriteRefinements()
    {
        var score = new double[_kept.Length];
        var words = new int[_kept.Length];
        for (var k = 0; k < _kept.Length; k++)
        {
            score[k] = RefinementScore(_kept[k].Acc);
            words[k] = WordCount(_kept[k].Acc.Text);
        }

        var byScore = Enumerable.Range(0, _kept.Length).ToArray();
        Array.Sort(byScore, (a, b) =>
        {
            var c = score[b].CompareTo(score[a]);
            return c != 0 ? c : string.CompareOrdinal(_kept[a].Acc.Text, _kept[b].Acc.Text);
        });
        // Postings hold ranks in byScore (ascending), so the candidates holding every word of q are the intersection
        // of its words' lists, walked in score order without reading any candidate's text.
        var postings = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var rank = 0; rank < byScore.Length; rank++)
        {
            foreach (var w in _kept[byScore[rank]].Acc.Text.Split(' ').Distinct(StringComparer.Ordinal))
            {
                if (!postings.TryGetValue(w, out var list))
                {
                    list = [];
                    postings.Add(w, list);
                }

                list.Add(rank);
            }
        }

        var byText = Enumerable.Range(0, _kept.Length).ToArray();
        Array.Sort(byText, (a, b) => string.CompareOrdinal(_kept[a].Acc.Text, _kept[b].Acc.Text));
        var lists = 0;
        var found = new List<int>();
        var others = new List<List<int>>();
        var cursors = new List<int>();
        for (var k = 0; k < _kept.Length; k++)
        {
            var text = _kept[k].Acc.Text;
            var qWords = text.Split(' ').Distinct(StringComparer.Ordinal).ToArray();
            found.Clear();
            var rarest = qWords.Select(w => postings[w]).MinBy(l => l.Count)!;
            others.Clear();
            cursors.Clear();
            foreach (var w in qWords)
            {
                var posting = postings[w];
                if (!ReferenceEquals(posting, rarest))
                {
                    others.Add(posting);
                    cursors.Add(0);
                }
            }

            // The first RefinementScanLimit candidates of the rarest word's list, in score order, that hold every
            // other word (a word superset) and more words: the first RefinementTop of them.
            var scan = Math.Min(rarest.Count, IndexBuilder.RefinementScanLimit);
            for (var i = 0; i < scan && found.Count < options.RefinementTop; i++)
            {
                var rank = rarest[i];
                var r = byScore[rank];
                if (r == k || words[r] <= words[k] || !InEvery(rank))
                {
                    continue;
                }

                found.Add(r);
            }

            if (IsCjk(text[^1]))
            {
                var lo = LowerBound(byText, text);
                for (var i = lo; i < byText.Length && i - lo < IndexBuilder.RefinementScanLimit; i++)
                {
                    var r = byText[i];
                    var other = _kept[r].Acc.Text;
                    if (!other.StartsWith(text, StringComparison.Ordinal))
                    {
                        break;
                    }

                    if (other.Length > text.Length && !found.Contains(r))
                    {
                        found.Add(r);
                    }
                }
            }

            if (found.Count == 0)
            {
                continue;
            }

            var list = new RelatedQueries();
            list.Queries.AddRange(found
                .OrderByDescending(r => score[r])
                .ThenBy(r => _kept[r].Acc.Text, StringComparer.Ordinal)
                .Take(options.RefinementTop)
                .Select(r => new RelatedQuery { Text = _kept[r].Acc.Text, Score = score[r], Count = _kept[r].Acc.Count, Ctr = Ctr(_kept[r].Acc) }));
            Add(IndexKeys.Refinements(text), list);
            lists++;
        }

        return lists;

        // True when every other word's list holds rank; the cursors only move forward (ranks are visited ascending).
        bool InEvery(int rank)
        {
            for (var o = 0; o < others.Count; o++)
            {
                var list = others[o];
                var at = cursors[o];
                if (at < list.Count && list[at] < rank)
                {
                    // Gallop, then binary search, to the first element >= rank.
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

                    at = lo;
                    cursors[o] = at;
                }

                if (at >= list.Count || list[at] != rank)
                {
                    return false;
                }
            }

            return true;
        }

        int LowerBound(int[] sorted, string key)
        {
            int lo = 0, hi = sorted.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (string.CompareOrdinal(_kept[sorted[mid]].Acc.Text, key) < 0)
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

    internal static double RefinementScore(QueryAcc q) => q.Decayed * (1 + Math.Min(Ctr(q), 1));

    private static int WordCount(string text) => text.Count(c => c == ' ') + 1;

    private static bool IsCjk(char c) => c is >= '\u2E80' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    /// <summary>
    /// Hot: global = decayed popularity; per category c among the query's top categories = popularity × share(c).
    /// Trending: (recent + α) / (baseline × W/B + α), α the smoothing, kept when recent ≥ the minimum and the
    /// score &gt; 1; listed globally and in each of the query's top categories.
    /// </summary>
    private (int Hot, int Trending) WriteHotAndTrending(List<CategoryShare>?[] topCategories)
    {
        var hot = new Dictionary<string, List<RankedQuery>>(StringComparer.Ordinal) { [IndexKeys.GlobalCategory] = [] };
        var trending = new Dictionary<string, List<RankedQuery>>(StringComparer.Ordinal);
        var bucket = agg.BucketTicks;
        var windowBuckets = (int)(options.TrendWindow.Ticks / bucket);
        var baselineBuckets = (int)(options.TrendBaseline.Ticks / bucket);
        var last = agg.LastEventTime is { } end ? agg.BucketOf(end.UtcTicks) : 0;
        var ratio = (double)windowBuckets / baselineBuckets;
        for (var k = 0; k < _kept.Length; k++)
        {
            var q = _kept[k].Acc;
            if (q.Count == 0)
            {
                continue;
            }

            hot[IndexKeys.GlobalCategory].Add(new RankedQuery { Text = q.Text, Score = q.Decayed, Count = q.Count });
            var cats = topCategories[k];
            if (cats is not null)
            {
                foreach (var c in cats)
                {
                    Append(hot, c.Category, new RankedQuery { Text = q.Text, Score = q.Decayed * c.Share, Count = q.Count });
                }
            }

            var recent = q.Trend.Sum(last - windowBuckets + 1, last);
            var baseline = q.Trend.Sum(last - windowBuckets - baselineBuckets + 1, last - windowBuckets);
            var score = TrendScore(recent, baseline, ratio, options.TrendSmoothing);
            if (recent < options.TrendMinRecent || score <= 1)
            {
                continue;
            }

            var entry = new RankedQuery { Text = q.Text, Score = score, Count = q.Count, RecentCount = recent, BaselineCount = baseline };
            Append(trending, IndexKeys.GlobalCategory, entry);
            if (cats is not null)
            {
                foreach (var c in cats)
                {
                    Append(trending, c.Category, entry);
                }
            }
        }

        Write(hot, IndexKeys.Hot);
        Write(trending, IndexKeys.Trending);
        return (hot.Count, trending.Count);

        void Write(Dictionary<string, List<RankedQuery>> lists, Func<string, string> key)
        {
            foreach (var (category, list) in lists)
            {
                var ranked = new RankedQueries();
                ranked.Queries.AddRange(list.OrderByDescending(r => r.Score).ThenBy(r => r.Text, StringComparer.Ordinal).Take(options.HotTop));
                Add(key(category), ranked);
            }
        }

        static void Append(Dictionary<string, List<RankedQuery>> lists, string category, RankedQuery entry)
        {
            if (!lists.TryGetValue(category, out var list))
            {
                list = [];
                lists.Add(category, list);
            }

            list.Add(entry);
        }
    }

    /// <summary>The smoothed trending ratio: (recent + α) / (baseline × W/B + α).</summary>
    internal static double TrendScore(long recent, long baseline, double windowOverBaseline, double smoothing)
        => (recent + smoothing) / ((baseline * windowOverBaseline) + smoothing);

    private void Add(string key, IMessage value) => sink(new IndexRecord(key, value.ToByteArray()));

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

    private sealed class Kept(int id, QueryAcc acc, bool pinned, string pinCategory)
    {
        public int Id { get; } = id;

        public QueryAcc Acc { get; } = acc;

        public bool Pinned { get; } = pinned;

        public string PinCategory { get; } = pinCategory;

        public string CategoryHint { get; set; } = string.Empty;
    }
}

/// <summary>
/// One pass of a completion table (default: one pass holding every key). With more than one pass, the head pass
/// (<see cref="Head"/>) holds the one-rune keys of every source, and pass <see cref="Index"/> of <see cref="Count"/>
/// holds the longer keys of the sources whose first two runes hash to it. Every key of two runes or more of a source
/// string starts with the source's first two runes, so the filter is applied once per source string; a key's
/// parent is in the same pass, or, for a two-rune key, in the head pass, which is built first and kept. Two runes
/// rather than one, because pinyin and Latin keys start with one of some 36 letters and digits: one-rune passes
/// never hold less than every key starting with their letter (at 10^5 the largest of 5 held 34 % of the py: nodes).
/// </summary>
internal readonly record struct TablePartition(int Index, int Count)
{
    /// <summary>The index of the head pass.</summary>
    public const int HeadIndex = -1;

    /// <summary>The head pass of a table built in <paramref name="count"/> passes: the one-rune keys.</summary>
    public static TablePartition Head(int count) => new(HeadIndex, count);

    /// <summary>True for the head pass of a table built in more than one pass.</summary>
    public bool IsHead => Count > 1 && Index == HeadIndex;

    /// <summary>The fewest runes of a key held by this pass.</summary>
    public int MinRunes => Count > 1 && !IsHead ? 2 : 1;

    /// <summary>The most runes of a key held by this pass, for sources cut to <paramref name="maxRunes"/>.</summary>
    public int MaxRunes(int maxRunes) => IsHead ? Math.Min(1, maxRunes) : maxRunes;

    /// <summary>True when some key from <paramref name="source"/>[<paramref name="start"/>..] belongs to this pass.</summary>
    public bool Holds(string source, int start)
    {
        if (Count <= 1 || IsHead)
        {
            return start < source.Length;
        }

        return Of(source, start, Count) == Index;
    }

    /// <summary>
    /// The pass (of <paramref name="count"/>) that holds the keys of two runes or more from
    /// <paramref name="source"/>[<paramref name="start"/>..]; -1 when it has fewer than two runes (a source of one
    /// rune gives only a head key).
    /// </summary>
    public static int Of(string source, int start, int count)
    {
        if (count <= 1)
        {
            return start < source.Length ? 0 : -1;
        }

        // The runes as QueryNormalizer.IndexedPrefixes steps over them (a high surrogate takes the next char along).
        var first = Step(source, start);
        var second = Step(source, start + first);
        if (first == 0 || second == 0)
        {
            return -1;
        }

        ulong hash = 0;
        for (var i = start; i < start + first + second; i++)
        {
            hash = (hash * 0x10001) + source[i];
        }

        // Fibonacci hashing spreads neighbouring code points (a, b, c; adjacent hanzi) over the passes.
        return (int)(((hash * 11400714819323198485UL) >> 32) % (uint)count);

        static int Step(string text, int index) => index >= text.Length ? 0
            : char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
    }
}

/// <summary>An entry of the pinyin tables: a kept query at one reading level, with its score at that level.</summary>
internal readonly record struct PinyinEntry(int Kept, int Level, double Score);

/// <summary>
/// A query's pinyin readings packed into one UTF-8 array while the pinyin tables are built: for each reading, its
/// level (<see cref="PinyinKey.SecondaryReadings"/>), then its full pinyin and its initials, each length-prefixed.
/// </summary>
internal readonly struct PackedPinyinKeys
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[]? _packed;
    private readonly IReadOnlyList<PinyinKey>? _unpacked; // a reading UTF-8 cannot carry (a lone surrogate): kept as is

    private PackedPinyinKeys(byte[]? packed, IReadOnlyList<PinyinKey>? unpacked)
    {
        _packed = packed;
        _unpacked = unpacked;
    }

    /// <summary>Packs the readings.</summary>
    public static PackedPinyinKeys Pack(IReadOnlyList<PinyinKey> readings)
    {
        try
        {
            var size = 0;
            foreach (var reading in readings)
            {
                size += 3 * 5 + Strict.GetByteCount(reading.Full) + Strict.GetByteCount(reading.Initials);
            }

            var buffer = new byte[size];
            var at = 0;
            foreach (var reading in readings)
            {
                at += Write7Bit(buffer.AsSpan(at), (uint)reading.SecondaryReadings);
                at += WriteString(buffer.AsSpan(at), reading.Full);
                at += WriteString(buffer.AsSpan(at), reading.Initials);
            }

            return new(buffer.AsSpan(0, at).ToArray(), null);
        }
        catch (EncoderFallbackException)
        {
            return new(null, readings);
        }

        static int WriteString(Span<byte> to, string text)
        {
            var length = Write7Bit(to, (uint)Strict.GetByteCount(text));
            return length + Strict.GetBytes(text, to[length..]);
        }

        static int Write7Bit(Span<byte> to, uint value)
        {
            var i = 0;
            for (; value >= 0x80; value >>= 7)
            {
                to[i++] = (byte)(value | 0x80);
            }

            to[i++] = (byte)value;
            return i;
        }
    }

    /// <summary>
    /// The readings, in their order, into <paramref name="readings"/> (cleared first); only the full pinyin, or
    /// only the initials (<paramref name="initials"/>), is decoded, the other left empty.
    /// </summary>
    public void Unpack(List<PinyinKey> readings, bool initials)
    {
        readings.Clear();
        if (_unpacked is not null)
        {
            readings.AddRange(_unpacked);
            return;
        }

        ReadOnlySpan<byte> span = _packed;
        while (!span.IsEmpty)
        {
            var level = (int)Read7Bit(ref span);
            var full = ReadString(ref span, decode: !initials);
            var initialsText = ReadString(ref span, decode: initials);
            readings.Add(new PinyinKey(full, initialsText) { SecondaryReadings = level });
        }

        static string ReadString(ref ReadOnlySpan<byte> span, bool decode)
        {
            var length = (int)Read7Bit(ref span);
            var text = decode ? Encoding.UTF8.GetString(span[..length]) : string.Empty;
            span = span[length..];
            return text;
        }

        static uint Read7Bit(ref ReadOnlySpan<byte> span)
        {
            uint value = 0;
            var shift = 0;
            byte b;
            do
            {
                b = span[0];
                span = span[1..];
                value |= (uint)(b & 0x7F) << shift;
                shift += 7;
            }
            while ((b & 0x80) != 0);
            return value;
        }
    }
}
