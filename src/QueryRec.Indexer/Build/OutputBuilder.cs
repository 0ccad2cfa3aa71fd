using System.Diagnostics;
using Google.Protobuf;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Turns the aggregated statistics into index records: hygiene, query stats, the completion tables (prefix,
/// full pinyin, initials, word-start infix), the vocabulary chunks, q2q, i2q, refinements, hot and trending
/// lists and pins. Formulas: docs/indexer-build.md. Each output has its own writer; this class runs them in
/// order, times them, and defines the keys of the completion tables.
/// </summary>
internal sealed class OutputBuilder(LogAggregator agg, BuildOptions options, Action<IndexRecord> sink)
{
    private readonly List<KeyValuePair<string, double>> _phases = [];

    public BuildSummary Summary { get; private set; } = new();

    /// <summary>
    /// Of a slice of a partitioned build: the hash of the kept queries in ranking order and their completions, what every
    /// slice must compute alike (<see cref="SliceIdentity"/>); 0 otherwise.
    /// </summary>
    public ulong SliceContent { get; private set; }

    /// <summary>
    /// Builds every output, handing each record to the sink (in no particular order). A slice other than 0 of a
    /// partitioned build computes only what its completion-table passes need (<see cref="TableSlicing"/>).
    /// </summary>
    /// <remarks>
    /// The query records and lists come first, from the aggregator; the completion tables last, from
    /// <see cref="TableInputs"/> alone: the aggregator, its per-query statistics and the kept-query objects are
    /// released before the table passes, the build's peak.
    /// </remarks>
    public void Build()
    {
        var inputs = WriteQueriesAndLists();
        WriteTables(inputs);
    }

    /// <summary>What the completion-table passes read: each kept query's text, the ranking order and the completions.</summary>
    private sealed record TableInputs(string[] Texts, int[] Order, CompletionArena Completions);

    /// <summary>
    /// Hygiene, the q: records, the spacing folds and the lists; then the completions; returns what the tables need
    /// and drops the aggregator (in a frame of its own, so no stack slot keeps the kept queries alive).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private TableInputs WriteQueriesAndLists()
    {
        var shared = TableSlicing.WritesShared(options);
        var (kept, keptIndex, summary) = Timed("hygiene", () => QueryHygiene.Apply(agg, options, Summary));
        Summary = summary;
        var topCategories = Timed("categories", () => QueryRecords.TopCategories(agg, kept, keptIndex, options));

        // Writing the q: records also sets each query's category hint, which its completion carries.
        Timed("q:", () => QueryRecords.Write(kept, topCategories, shared ? Add : static (_, _) => { }));
        var (folds, foldChunks) = shared ? Timed("nd:", () => SpacingFoldsWriter.Write(kept, topCategories, options, Add)) : default;
        var order = Timed("order", () => QueryRecords.RankingOrder(kept));
        Summary = Summary with
        {
            QueriesKept = kept.Length,
            SpacingFolds = folds?.Folds.Count ?? 0,
            SpacingFoldChunks = foldChunks,
            SpacingPairs = folds?.Pairs ?? 0,
            SpacingRefused = folds?.Refused ?? 0,
            SpacingUnknown = folds?.Unknown ?? 0,
            OutputPhaseSeconds = _phases,
        };
        if (shared)
        {
            WriteLists(kept, keptIndex, order, topCategories);
        }

        agg = null!; // the tables read none of it: its statistics, pair tables and names go before their passes
        var completions = Timed("completions", () => CompletionArena.Build(kept, topCategories));
        if (options.SliceCount > 0)
        {
            SliceContent = SliceIdentity.OfCompletions(order, completions);
        }

        var texts = new string[kept.Length];
        for (var k = 0; k < kept.Length; k++)
        {
            texts[k] = kept[k].Acc.Text;
        }

        return new TableInputs(texts, order, completions);
    }

    /// <summary>The completion tables: prefix, the two pinyin tables and the word-start infix table.</summary>
    private void WriteTables(TableInputs inputs)
    {
        var (texts, order, completions) = inputs;
        var tables = new CompletionTableWriter(options, (key, node) => sink(new IndexRecord(key, node)));
        var maxPrefix = options.MaxPrefixLength;
        var prefixNodes = Timed("p:", () => tables.Write(
            CompletionTable.Prefix,
            order,
            completions,
            (k, partition, keys) =>
            {
                var text = texts[k];
                if (!partition.Holds(text, 0))
                {
                    return;
                }

                AddPrefixes(text, maxPrefix, 1, partition, keys);
            },
            (k, sources) => sources.Add((texts[k], 0))));
        var pinyin = options.Pinyin ? WritePinyinTables(tables, texts, order, completions) : default;
        var infixNodes = options.Infix
            ? Timed("x:", () => tables.Write(
                CompletionTable.Infix,
                order,
                completions,
                (k, partition, keys) => InfixKeys(texts[k], options.MaxInfixPrefixLength, options.MinLatinInfixLength, keys, partition),
                (k, sources) =>
                {
                    var text = texts[k];
                    foreach (var (index, _) in InfixWordStarts.Of(text))
                    {
                        sources.Add((text, index));
                    }
                }))
            : 0;
        Summary = Summary with
        {
            PrefixNodes = prefixNodes,
            PinyinQueries = pinyin.Queries,
            PinyinFullNodes = pinyin.Full,
            PinyinInitialsNodes = pinyin.Initials,
            InfixNodes = infixNodes,
        };
    }

    /// <summary>The records that are not query stats or completion-table nodes: vocabulary, q2q, Discover, i2q, refinements, corrections, hot, trending and pins.</summary>
    private void WriteLists(KeptQuery[] kept, int[] keptIndex, int[] order, List<CategoryShare>?[] topCategories)
    {
        var vocabulary = Timed("v:", () => VocabularyWriter.Write(kept, order, options, Add));
        var q2q = Timed("q2q", () => RelatedQueriesWriter.Lists(agg, keptIndex, options));
        var (relatedLists, relatedPairs) = Timed("r:", () => RelatedQueriesWriter.Write(q2q, agg, Add));
        var (discoveryLists, discoveryEntries) = Timed("rd:", () => DiscoveryRelatedWriter.Write(agg, kept, keptIndex, q2q, options, Add));
        var itemLists = Timed("it:", () => ItemQueriesWriter.Write(agg, keptIndex, options, Add));
        var refinementLists = Timed("rf:", () => RefinementsWriter.Write(kept, options, Add));
        var correctionPairs = Timed("c:", () => CorrectionPairsWriter.Write(agg, keptIndex, options, Add));
        var (hotLists, trendingLists) = Timed("h: t:", () => HotTrendingWriter.Write(agg, kept, topCategories, options, Add));
        if (options.Lists.Pins.Count > 0)
        {
            var pins = new PinList();
            pins.Pins.AddRange(options.Lists.Pins.OrderBy(p => p.Query, StringComparer.Ordinal).Select(p => new Pin { Text = p.Query, Category = p.Category }));
            Add(IndexKeys.Pins, pins);
        }

        Summary = Summary with
        {
            VocabularySize = vocabulary.Size,
            VocabularyChunks = vocabulary.Chunks,
            RelatedLists = relatedLists,
            RelatedPairs = relatedPairs,
            DiscoveryRelatedLists = discoveryLists,
            DiscoveryRelatedEntries = discoveryEntries,
            ItemLists = itemLists,
            RefinementLists = refinementLists,
            CorrectionPairs = correctionPairs,
            HotLists = hotLists,
            TrendingLists = trendingLists,
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

    /// <summary>The pinyin tables: for each kept query with a hanzi, every prefix of the full pinyin and of the initials of each reading.</summary>
    private (int Full, int Initials, int Queries) WritePinyinTables(CompletionTableWriter tables, string[] texts, int[] order, CompletionArena completions)
    {
        var entries = Timed("pinyin readings", () => new PinyinTableEntries(texts, order, completions, options));
        var full = Timed("py:", () => tables.Write(CompletionTable.PinyinFull, entries.Order, entries, (e, partition, keys) => entries.KeysOf(e, initialsTable: false, partition, keys), (e, sources) => entries.SourcesOf(e, initialsTable: false, sources)));
        var initials = Timed("pi:", () => tables.Write(CompletionTable.PinyinInitials, entries.Order, entries, (e, partition, keys) => entries.KeysOf(e, initialsTable: true, partition, keys), (e, sources) => entries.SourcesOf(e, initialsTable: true, sources)));
        return (full, initials, entries.Queries);
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
        if (readings is not null)
        {
            PinyinPrefixes(PinyinReadingTexts.Of(readings, initials), 0, int.MaxValue, maxLength, new CollectedKeys(keys), partition);
        }
    }

    /// <summary>Every prefix (1 to <paramref name="maxLength"/> runes) of each reading whose level is from <paramref name="minLevel"/> to <paramref name="maxLevel"/>.</summary>
    internal static void PinyinPrefixes<TKeys>(PinyinReadingTexts readings, int minLevel, int maxLevel, int maxLength, TKeys keys, TablePartition partition)
        where TKeys : ITableKeys
    {
        var previous = -1;
        for (var r = 0; r < readings.Count; r++)
        {
            var source = readings.Text(r);
            if (readings.Level(r) < minLevel || readings.Level(r) > maxLevel || !partition.Holds(source, 0))
            {
                continue;
            }

            // Readings of a polyphone share their start: the prefixes the previous reading gave are not listed again.
            AddPrefixes(source, maxLength, 1, partition, keys, previous < 0 ? 0 : source.CommonPrefixLength(readings.Text(previous)));
            previous = r;
        }
    }

    /// <summary>
    /// The prefixes of <paramref name="source"/> from <paramref name="minRunes"/> to <paramref name="maxRunes"/> runes
    /// that <paramref name="partition"/> holds, stepping over runes as <see cref="QueryNormalizer.IndexedPrefixes"/> does.
    /// </summary>
    /// <param name="listed">Leading chars whose prefixes were listed already (left out).</param>
    private static void AddPrefixes<TKeys>(ReadOnlySpan<char> source, int maxRunes, int minRunes, TablePartition partition, TKeys keys, int listed = 0)
        where TKeys : ITableKeys
    {
        var min = Math.Max(minRunes, partition.MinRunes);
        var max = partition.MaxRunes(maxRunes);
        var runes = 0;
        var index = 0;
        while (index < source.Length && runes < max)
        {
            index += char.IsHighSurrogate(source[index]) && index + 1 < source.Length ? 2 : 1;
            if (++runes >= min && index > listed)
            {
                keys.Add(source[..index]);
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
        => InfixKeys(text, maxRunes, minLatinRunes, new CollectedKeys(keys), partition);

    /// <inheritdoc cref="InfixKeys(string, int, int, ICollection{string}, TablePartition)"/>
    internal static void InfixKeys<TKeys>(string text, int maxRunes, int minLatinRunes, TKeys keys, TablePartition partition = default)
        where TKeys : ITableKeys
    {
        foreach (var (index, han) in InfixWordStarts.Of(text))
        {
            if (!partition.Holds(text, index))
            {
                continue;
            }

            AddPrefixes(text.AsSpan(index), maxRunes, han ? 1 : minLatinRunes, partition, keys);
        }
    }

    private void Add(string key, IMessage value) => sink(new IndexRecord(key, value.ToByteArray()));
}
