using System.CommandLine;
using System.Globalization;
using QueryRec.Indexer.Aggregates;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Ranking;
using QueryRec.Storage;

namespace QueryRec.Indexer.Commands;

/// <summary><c>build</c>: builds the embedded index file from JSONL events, from a plain query list (<c>--queries</c>) or from aggregate tables (<c>--aggregates</c>).</summary>
internal sealed class BuildCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new BuildOptions();
        var input = new Option<string?>("--input") { Description = "The JSONL events file (or give --queries or --aggregates)." };
        var aggregates = new Option<string?>("--aggregates") { Description = "A directory of aggregate tables (Parquet, from indexer aggregate or sql/) instead of events." };
        var aggregation = new AggregationArgs();
        var queries = new Option<string?>("--queries") { Description = "A query list instead of events: 'query', 'id<TAB>query' or 'query<TAB>count' per line." };
        var zipf = new Option<double>("--zipf") { Description = "With --queries and no counts: popularity n / rank^S after a seeded shuffle.", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "With --queries and no counts: the shuffle seed.", DefaultValueFactory = _ => 1 };
        var noPinyin = new Option<bool>("--no-pinyin") { Description = "Do not write the full-pinyin (py:) and initials (pi:) tables." };
        var pinyinSecondaryWeight = new Option<double>("--pinyin-secondary-weight") { Description = "Score multiplier of a pinyin match per polyphone read with a non-primary reading (0-1).", DefaultValueFactory = _ => defaults.PinyinSecondaryWeight };
        var pinyinVariants = new Option<int>("--pinyin-variants") { Description = "Pinyin readings expanded per query at most (polyphones).", DefaultValueFactory = _ => defaults.MaxPinyinVariants };
        var maxPinyinPrefix = new Option<int>("--max-pinyin-prefix") { Description = "Longest indexed full-pinyin and initials prefix, in letters.", DefaultValueFactory = _ => defaults.MaxPinyinPrefixLength };
        var noInfix = new Option<bool>("--no-infix") { Description = "Do not write the word-start infix table (x:)." };
        var maxInfixPrefix = new Option<int>("--max-infix-prefix") { Description = "Longest indexed infix key from a word start, in characters.", DefaultValueFactory = _ => defaults.MaxInfixPrefixLength };
        var minLatinInfix = new Option<int>("--min-latin-infix") { Description = "Shortest infix key from a Latin or digit word start, in characters.", DefaultValueFactory = _ => defaults.MinLatinInfixLength };
        var vocabularyMax = new Option<int>("--vocabulary-max") { Description = "Most popular queries written to the typo-tolerance vocabulary (v:); 0 for none.", DefaultValueFactory = _ => defaults.MaxVocabulary };
        var noPrune = new Option<bool>("--no-prune") { Description = "Write every completion-table node, also those below a complete node (at most top-K matches) that servers can filter from it." };
        var tablePartitions = new Option<int>("--table-partitions") { Description = "Passes per completion table after the head pass of one-rune keys (0: one per 50,000 entries); more passes hold fewer nodes at once. The output does not depend on it." };
        var tableThreads = new Option<int>("--threads", "--table-threads") { Description = "Threads for the build's parallel steps (default: one per processor; the completion tables hold that many passes' nodes at once); the output does not depend on it.", DefaultValueFactory = _ => defaults.TableThreads };
        var output = new Option<string>("--output") { Description = "The index file (.qrx) to write (with --partition: the slice file).", Required = true };
        var partition = PartitionOption.Create();
        var minCount = new Option<int>("--min-count") { Description = "Minimum searches of a query (default 1 with --queries).", DefaultValueFactory = _ => defaults.MinCount };
        var misspellingRatio = new Option<double>("--misspelling-ratio") { Description = "Leave out a query that is a typo of a query searched this many times as often (letters of its words, hanzi of the same reading, spaces moved; any one edit where its searches failed; never digits or sizes): its misspelling. 0: off.", DefaultValueFactory = _ => defaults.MisspellingRatio };
        var spacingFoldAgreement = new Option<double>("--spacing-fold-agreement") { Description = "Show two queries that differ only by the spacing between letters (\"smart watch\", \"smartwatch\") as one when their click categories agree at least this much (0-1: the sum of the smaller shares); above 1: never.", DefaultValueFactory = _ => defaults.SpacingFoldAgreement };
        var correctionMinSessions = new Option<int>("--correction-min-sessions") { Description = "Keep a correction pair (c:) when a query was followed by a close, more successful query in this many sessions; 0: mine none.", DefaultValueFactory = _ => defaults.CorrectionMinSessions };
        var minUsers = new Option<int>("--min-users") { Description = "Minimum distinct users of a query.", DefaultValueFactory = _ => defaults.MinUsers };
        var topK = new Option<int>("--top-k") { Description = "Completions per prefix.", DefaultValueFactory = _ => defaults.TopK };
        var maxPrefix = new Option<int>("--max-prefix-length") { Description = "Longest indexed prefix, in characters (runes).", DefaultValueFactory = _ => defaults.MaxPrefixLength };
        var version = new Option<string?>("--version") { Description = "The version id (default: build time and checksum)." };
        var trendSmoothing = new Option<double>("--trend-smoothing") { Description = "Additive smoothing of the trending ratio (pseudo-searches).", DefaultValueFactory = _ => defaults.TrendSmoothing };
        var q2qMinSupport = new Option<int>("--q2q-min-support") { Description = "Minimum sessions with a transition a->b.", DefaultValueFactory = _ => defaults.Q2qMinSupport };
        var q2qTop = new Option<int>("--q2q-top") { Description = "Related queries per query.", DefaultValueFactory = _ => defaults.Q2qTop };
        var i2qTop = new Option<int>("--i2q-top") { Description = "Queries per item.", DefaultValueFactory = _ => defaults.I2qTop };
        var refineTop = new Option<int>("--refine-top") { Description = "Refinements per query.", DefaultValueFactory = _ => defaults.RefinementTop };
        var coClickTop = new Option<int>("--co-click-top") { Description = "Co-clicked queries per Discover related list (rd:); 0: none.", DefaultValueFactory = _ => defaults.CoClickTop };
        var sharedWordsTop = new Option<int>("--shared-words-top") { Description = "Word-sharing queries at most per Discover related list (rd:), as fill; 0: none (the default with --queries).", DefaultValueFactory = _ => defaults.SharedWordsTop };
        var relatedFillTo = new Option<int>("--related-fill-to") { Description = "Word-sharing and category-hot queries fill a Discover related list (rd:) up to this length; 0: no fill.", DefaultValueFactory = _ => defaults.RelatedFillTo };
        var hotTop = new Option<int>("--hot-top") { Description = "Queries per hot and trending list.", DefaultValueFactory = _ => defaults.HotTop };
        var zeroShare = new Option<double>("--zero-result-share") { Description = "Remove a query when at least this share of its searches with a known result count returned none.", DefaultValueFactory = _ => defaults.ZeroResultShare };
        var numericDigits = new Option<int>("--numeric-min-digits") { Description = "Remove queries of only digits with at least this many digits (0: off).", DefaultValueFactory = _ => defaults.NumericMinDigits };
        var blacklist = new Option<string?>("--blacklist") { Description = "Blacklist file: terms, and 're:' regular expressions; '#' comments." };
        var whitelist = new Option<string?>("--whitelist") { Description = "Whitelist file of pinned queries: 'query' or 'query<TAB>category'." };
        var model = new Option<string?>("--model") { Description = "An ONNX ranking model (from indexer train, its .card.json beside it) to carry in the index: published and rolled back with it (at most 64 MiB)." };
        var force = new Option<bool>("--force") { Description = "With --model: carry a model whose card says it loses to the heuristic on its held-out window (train's guard)." };
        var resultCounts = new Option<string?>("--result-counts") { Description = "File of 'query<TAB>result count'; a count of 0 removes the query." };
        var command = new Command("build", "Build an index file from JSONL events.")
        {
            input, aggregates, queries, zipf, seed, output, minCount, misspellingRatio, spacingFoldAgreement, correctionMinSessions, minUsers, topK, maxPrefix, version, trendSmoothing, q2qMinSupport, q2qTop, i2qTop, refineTop, coClickTop, sharedWordsTop, relatedFillTo, hotTop, zeroShare, numericDigits, blacklist, whitelist, resultCounts,
            noPinyin, pinyinVariants, pinyinSecondaryWeight, maxPinyinPrefix, noInfix, maxInfixPrefix, minLatinInfix, vocabularyMax, noPrune, model, force, tablePartitions, tableThreads, partition,
        };
        foreach (var option in aggregation.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((parseResult, cancellationToken) =>
        {
            HygieneLists lists;
            try
            {
                lists = HygieneLists.Load(parseResult.GetValue(blacklist), parseResult.GetValue(whitelist), parseResult.GetValue(resultCounts));
            }
            catch (ListFileException ex)
            {
                throw new CliUserException(ex.Message);
            }

            var inputPath = parseResult.GetValue(input);
            var queriesPath = parseResult.GetValue(queries);
            var aggregatesPath = parseResult.GetValue(aggregates);
            if (new[] { inputPath, queriesPath, aggregatesPath }.Count(p => p is not null) != 1)
            {
                throw new CliUserException("give exactly one of --input FILE (JSONL events), --queries FILE (a query list) or --aggregates DIR (aggregate tables).");
            }

            if (aggregatesPath is not null && aggregation.Given(parseResult).FirstOrDefault() is { } shaping)
            {
                throw new CliUserException($"{shaping} shapes the aggregate tables: give it to indexer aggregate (a build from --aggregates takes it from their meta table).");
            }

            var slice = PartitionOption.Parse(parseResult.GetValue(partition));
            var modelPath = parseResult.GetValue(model);
            var modelPackage = modelPath is null ? null : ModelPackageReader.Read(modelPath, parseResult.GetValue(force), context.Error);
            var minCountGiven = parseResult.GetResult(minCount) is { Implicit: false };
            var sharedWordsGiven = parseResult.GetResult(sharedWordsTop) is { Implicit: false };
            var source = new BuildSource(inputPath, queriesPath, parseResult.GetValue(zipf), parseResult.GetValue(seed)) { Aggregates = aggregatesPath };
            return Task.FromResult(Run(
                context,
                source,
                parseResult.GetRequiredValue(output),
                aggregation.ApplyTo(parseResult, new BuildOptions
                {
                    MinCount = queriesPath is not null && !minCountGiven ? 1 : parseResult.GetValue(minCount),
                    MinUsers = parseResult.GetValue(minUsers),
                    MisspellingRatio = parseResult.GetValue(misspellingRatio),
                    SpacingFoldAgreement = parseResult.GetValue(spacingFoldAgreement),
                    CorrectionMinSessions = parseResult.GetValue(correctionMinSessions),
                    TopK = parseResult.GetValue(topK),
                    MaxPrefixLength = parseResult.GetValue(maxPrefix),
                    Version = parseResult.GetValue(version),
                    Source = Path.GetFileName(inputPath ?? queriesPath ?? Path.TrimEndingDirectorySeparator(aggregatesPath!)),
                    TrendSmoothing = parseResult.GetValue(trendSmoothing),
                    Q2qMinSupport = parseResult.GetValue(q2qMinSupport),
                    Q2qTop = parseResult.GetValue(q2qTop),
                    I2qTop = parseResult.GetValue(i2qTop),
                    RefinementTop = parseResult.GetValue(refineTop),
                    CoClickTop = parseResult.GetValue(coClickTop),
                    // A query list has no sessions, clicks or categories: word-sharing fill would be its only rd: content,
                    // bytes per query that the store's per-query budget (docs/performance.md) was not sized for.
                    SharedWordsTop = queriesPath is not null && !sharedWordsGiven ? 0 : parseResult.GetValue(sharedWordsTop),
                    RelatedFillTo = parseResult.GetValue(relatedFillTo),
                    HotTop = parseResult.GetValue(hotTop),
                    ZeroResultShare = parseResult.GetValue(zeroShare),
                    NumericMinDigits = parseResult.GetValue(numericDigits),
                    Lists = lists,
                    Pinyin = !parseResult.GetValue(noPinyin),
                    MaxPinyinVariants = parseResult.GetValue(pinyinVariants),
                    PinyinSecondaryWeight = parseResult.GetValue(pinyinSecondaryWeight),
                    MaxPinyinPrefixLength = parseResult.GetValue(maxPinyinPrefix),
                    Infix = !parseResult.GetValue(noInfix),
                    MaxInfixPrefixLength = parseResult.GetValue(maxInfixPrefix),
                    MinLatinInfixLength = parseResult.GetValue(minLatinInfix),
                    MaxVocabulary = parseResult.GetValue(vocabularyMax),
                    PruneCompleteNodes = !parseResult.GetValue(noPrune),
                    TablePartitions = parseResult.GetValue(tablePartitions),
                    TableThreads = parseResult.GetValue(tableThreads),
                    SliceIndex = slice?.Index ?? 0,
                    SliceCount = slice?.Count ?? 0,
                    RankingModel = modelPackage,
                }),
                cancellationToken));
        });
        return command;
    }

    public static int Run(CliContext context, BuildSource source, string output, BuildOptions options, CancellationToken cancellationToken)
    {
        var problems = options.Validate().ToList();
        if (source.Queries is not null && !(source.Zipf is >= 0 and <= 10))
        {
            problems.Add($"--zipf must be between 0 and 10 (got {source.Zipf.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (problems.Count > 0)
        {
            throw new CliUserException(string.Join(" ", problems));
        }

        if (source.Aggregates is { } directory)
        {
            options = AggregatedOptions(directory, options);
        }

        var input = source.Input ?? source.Queries ?? source.Aggregates!;
        if (source.Aggregates is null && !File.Exists(input))
        {
            throw new CliUserException($"input file not found: {input}");
        }

        if (options.SliceCount > 0)
        {
            options = options with { InputIdentity = SliceIdentity.OfInput(input) };
        }

        long badLines = 0;
        var inputSize = source.Aggregates is null ? new FileInfo(input).Length : 0;
        void OnBadLine(ImportError error)
        {
            if (badLines++ < ImportCommand.PrintedErrors)
            {
                context.Error.WriteLine($"bad line {error.LineNumber}: {error.Reason}");
            }
        }

        QueryListReader? listReader = null;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        // The records stream to disk (sorted runs merged into the file), so memory does not hold them all; runs are
        // sorted, and the merge written, on the build's threads.
        using var writer = new IndexFileWriter(output, threads: options.TableThreads);
        var (_, s) = context.WithProgress("building index", report =>
        {
            if (source.Aggregates is not null)
            {
                try
                {
                    return IndexBuilder.BuildFromAggregates(input, options, context.Time, writer);
                }
                catch (InvalidDataException ex)
                {
                    throw new CliUserException(ex.Message);
                }
            }

            using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (source.Queries is not null)
            {
                listReader = new QueryListReader(source.Zipf, source.Seed, OnBadLine, options.TableThreads);
                using var text = new StreamReader(stream, System.Text.Encoding.UTF8);
                try
                {
                    return IndexBuilder.BuildFromQueryList(text, listReader, options, context.Time, writer, cancellationToken);
                }
                catch (InvalidDataException ex)
                {
                    throw new CliUserException($"{input}: {ex.Message}");
                }
            }

            return IndexBuilder.BuildFromJsonl(stream, options, context.Time, OnBadLine, done => report(done, inputSize), writer, cancellationToken);
        });

        cancellationToken.ThrowIfCancellationRequested();
        var buildSeconds = stopwatch.Elapsed.TotalSeconds;
        if (badLines > ImportCommand.PrintedErrors)
        {
            context.Error.WriteLine($"… {badLines - ImportCommand.PrintedErrors} more bad lines");
        }
        var eventsPerSecond = s.AggregateSeconds > 0 ? s.EventsRead / s.AggregateSeconds : 0;
        context.Summary("build", [
            ("events read", N(s.EventsRead)),
            ("bad lines", N(badLines)),
            .. QueryListRows(listReader, source),
            ("search / click / cart / order events", $"{N(s.SearchEvents)} / {N(s.ClickEvents)} / {N(s.CartEvents)} / {N(s.OrderEvents)}"),
            ("users", N(s.Users)),
            ($"sessions (gap {options.SessionGap})", N(s.Sessions)),
            ("peak open sessions", N(s.PeakOpenSessions)),
            ("empty queries (events)", N(s.EmptyQueries)),
            ("duplicate searches (events)", N(s.DuplicateSearches)),
            ($"typed fragments (events, window {options.FragmentWindow})", N(s.Fragments)),
            ("final searches (events)", N(s.FinalSearches)),
            ("unattributed clicks/carts/orders", N(s.UnattributedActions)),
            ("queries seen", N(s.QueriesSeen)),
            ($"removed: numeric id (>= {options.NumericMinDigits} digits)", N(s.RemovedByNumeric)),
            ($"removed: blacklist ({options.Lists.Blacklist.TermCount} terms, {options.Lists.Blacklist.PatternCount} patterns)", N(s.RemovedByBlacklist)),
            ($"removed: zero results (share >= {options.ZeroResultShare.ToString(CultureInfo.InvariantCulture)}, {options.Lists.ResultCounts.Count} external counts)", N(s.RemovedByZeroResults)),
            ($"removed: min-count ({options.MinCount})", N(s.RemovedByMinCount)),
            ($"removed: min-users ({options.MinUsers})", N(s.RemovedByMinUsers)),
            ($"removed: misspellings (ratio {options.MisspellingRatio.ToString(CultureInfo.InvariantCulture)})", N(s.RemovedByMisspelling)),
            ($"pinned (whitelist) / kept despite a rule or unseen", $"{N(s.Pinned)} / {N(s.PinnedRescued)}"),
            ("queries kept (q: records)", N(s.QueriesKept)),
            ("prefix nodes (p:)", N(s.PrefixNodes)),
            (options.Pinyin ? $"pinyin nodes py: / pi: ({N(s.PinyinQueries)} queries with hanzi, <= {options.MaxPinyinVariants} readings, <= {options.MaxPinyinPrefixLength} letters)" : "pinyin nodes py: / pi: (off)", $"{N(s.PinyinFullNodes)} / {N(s.PinyinInitialsNodes)}"),
            (options.Infix ? $"infix nodes (x:, {options.MinLatinInfixLength}..{options.MaxInfixPrefixLength} characters from a word start)" : "infix nodes (x:, off)", N(s.InfixNodes)),
            ($"vocabulary (v:) queries / chunks (max {N(options.MaxVocabulary)})", $"{N(s.VocabularySize)} / {N(s.VocabularyChunks)}"),
            ($"q2q lists (r:) / pairs (min support {options.Q2qMinSupport})", $"{N(s.RelatedLists)} / {N(s.RelatedPairs)}"),
            ("Discover related lists (rd:) / entries", $"{N(s.DiscoveryRelatedLists)} / {N(s.DiscoveryRelatedEntries)}"),
            ("i2q lists (it:)", N(s.ItemLists)),
            ("refinement lists (rf:)", N(s.RefinementLists)),
            ($"correction pairs (c:, min sessions {options.CorrectionMinSessions})", N(s.CorrectionPairs)),
            ($"spacing folds (nd:) texts / candidate pairs / refused / without clicks (agreement {options.SpacingFoldAgreement.ToString(CultureInfo.InvariantCulture)})", $"{N(s.SpacingFolds)} / {N(s.SpacingPairs)} / {N(s.SpacingRefused)} / {N(s.SpacingUnknown)}"),
            ("hot lists (h:)", N(s.HotLists)),
            ("trending lists (t:)", N(s.TrendingLists)),
            ("records", N(s.TotalRecords)),
            .. KindRows(writer),
            ("index file bytes", N(new FileInfo(output).Length)),
            ("last event (decay anchor)", s.LastEventTime?.ToString("u", CultureInfo.InvariantCulture) ?? "-"),
            ("time: read+parse / aggregate / outputs (s)", string.Create(CultureInfo.InvariantCulture, $"{s.ReadSeconds:F2} / {s.AggregateSeconds:F2} / {s.OutputSeconds:F2}")),
            ("time per output (s)", string.Join(", ", s.OutputPhaseSeconds.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:F1}")))),
            ("sorted runs spilled", N(writer.Runs)),
            ("aggregation rate (events/s)", N((long)eventsPerSecond)),
            ("time: whole build incl. file write (s)", buildSeconds.ToString("F2", CultureInfo.InvariantCulture)),
            ("version", s.Version),
            .. SliceRows(options),
            ("ranking model", options.RankingModel is { } m ? $"{m.ModelVersion} ({N(m.Onnx.Length)} bytes)" : "(none)"),
            ("checksum", s.Checksum.ToString("x16", CultureInfo.InvariantCulture)),
            ("output", output),
        ]);
        return IndexerCli.ExitOk;
    }

    /// <summary>The build options with the settings recorded in an aggregates directory's meta table.</summary>
    private static BuildOptions AggregatedOptions(string directory, BuildOptions options)
    {
        if (!Directory.Exists(directory))
        {
            throw new CliUserException($"aggregates directory not found: {directory}");
        }

        try
        {
            return AggregatesReader.ReadMeta(directory).Settings.ApplyTo(options);
        }
        catch (InvalidDataException ex)
        {
            throw new CliUserException(ex.Message);
        }
    }

    private static IEnumerable<(string Name, string Value)> SliceRows(BuildOptions options)
    {
        if (options.SliceCount > 0)
        {
            yield return ("slice", $"{Storage.IndexSlices.Name(options.SliceIndex, options.SliceCount)} (records of the table passes p with p mod {options.SliceCount} = {options.SliceIndex}{(options.SliceIndex == 0 ? ", the head passes and every other record" : string.Empty)})");
        }
    }

    /// <summary>Records and bytes (UTF-8 key + value) per record kind, largest first.</summary>
    private static IEnumerable<(string Name, string Value)> KindRows(IndexFileWriter writer)
        => writer.Kinds
            .OrderByDescending(k => k.Value.Bytes)
            .Select(k => ($"records / bytes of {k.Key}:", $"{N(k.Value.Records)} / {N(k.Value.Bytes)}"));

    private static IEnumerable<(string Name, string Value)> QueryListRows(QueryListReader? reader, BuildSource source)
    {
        if (reader is null)
        {
            yield break;
        }

        yield return ("query list: distinct queries / duplicate lines", $"{N(reader.DistinctQueries)} / {N(reader.DuplicateLines)}");
        yield return ("query list: popularity", reader.Counted == true ? "given counts" : string.Create(CultureInfo.InvariantCulture, $"Zipf s={source.Zipf}, seed {source.Seed}"));
    }

    internal static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>What a build reads: JSONL events (<paramref name="Input"/>) or a query list (<paramref name="Queries"/>).</summary>
/// <param name="Input">The JSONL events file, or null.</param>
/// <param name="Queries">The query list, or null.</param>
/// <param name="Zipf">The Zipf exponent of a list without counts.</param>
/// <param name="Seed">The shuffle seed of a list without counts.</param>
internal sealed record BuildSource(string? Input, string? Queries, double Zipf, int Seed)
{
    /// <summary>A directory of aggregate tables, or null.</summary>
    public string? Aggregates { get; init; }
}
