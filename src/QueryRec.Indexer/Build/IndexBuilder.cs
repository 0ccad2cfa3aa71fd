using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>The result of a build: the index version and its summary.</summary>
public sealed record BuildResult(IndexBuild Build, BuildSummary Summary);

/// <summary>
/// Builds an index version from a stream of events (see docs/indexer-build.md): sessions and final
/// queries, query statistics with decayed popularity, hygiene rules, the prefix table (top-K by decayed
/// popularity), q2q, i2q, refinements, hot and trending lists per category, and the operator pins.
/// </summary>
public static class IndexBuilder
{
    /// <summary>
    /// The version of the pinyin and traditional-to-simplified tables recorded in <see cref="IndexInfo.TextTablesVersion"/>.
    /// </summary>
    internal static readonly string TextTablesVersion = QueryRec.Core.Matching.PinyinConverter.TablesVersion;

    /// <summary>Candidates scanned per query when looking for refinements (bounds the cost of common words).</summary>
    internal const int RefinementScanLimit = 2000;

    /// <summary>Builds an index from <paramref name="events"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions options, TimeProvider timeProvider)
        => Build(events, options, timeProvider, null);

    /// <summary>Builds an index, reporting phases to <paramref name="onPhase"/> (for progress display).</summary>
    public static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions options, TimeProvider timeProvider, Action<string>? onPhase)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Build(
            agg =>
            {
                foreach (var e in events)
                {
                    agg.Add(e);
                }
            },
            options,
            timeProvider,
            onPhase);
    }

    /// <summary>
    /// Builds an index from a JSONL stream on the allocation-free path (<see cref="JsonlFastReader"/>); bad lines go
    /// to <paramref name="onBadLine"/>, bytes consumed to <paramref name="onProgress"/>.
    /// </summary>
    internal static BuildResult BuildFromJsonl(Stream jsonl, BuildOptions options, TimeProvider timeProvider, Action<ImportError> onBadLine, Action<long>? onProgress, CancellationToken cancellationToken)
        => Build(agg => new JsonlFastReader(agg, onBadLine).Read(jsonl, onProgress, cancellationToken), options, timeProvider, null);

    /// <summary>
    /// Builds an index from a plain query list (<see cref="QueryListReader"/>): no events, so the outputs that need
    /// sessions, clicks or time (q2q, i2q, categories, trending) stay empty.
    /// </summary>
    internal static BuildResult BuildFromQueryList(TextReader list, QueryListReader reader, BuildOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
        => Build(agg => reader.Read(list, agg, cancellationToken), options, timeProvider, null);

    /// <summary>
    /// Builds an index from a plain query list straight into an index file (<paramref name="writer"/>): records go to
    /// disk as they are made, so memory does not hold them all (the file is what <see cref="IndexFile.Write"/> writes
    /// for the in-memory build).
    /// </summary>
    internal static (IndexManifest Manifest, BuildSummary Summary) BuildFromQueryList(TextReader list, QueryListReader reader, BuildOptions options, TimeProvider timeProvider, IndexFileWriter writer, CancellationToken cancellationToken)
        => Build(agg => reader.Read(list, agg, cancellationToken), options, timeProvider, null, writer);

    /// <summary>Builds an index from a JSONL stream (as <see cref="BuildFromJsonl(Stream, BuildOptions, TimeProvider, Action{ImportError}, Action{long}?, CancellationToken)"/>) straight into an index file.</summary>
    internal static (IndexManifest Manifest, BuildSummary Summary) BuildFromJsonl(Stream jsonl, BuildOptions options, TimeProvider timeProvider, Action<ImportError> onBadLine, Action<long>? onProgress, IndexFileWriter writer, CancellationToken cancellationToken)
        => Build(agg => new JsonlFastReader(agg, onBadLine).Read(jsonl, onProgress, cancellationToken), options, timeProvider, null, writer);

    /// <summary>
    /// Builds an index from a directory of aggregate tables (<see cref="Aggregates.AggregatesReader"/>); the options
    /// must carry the settings of the tables' meta (<see cref="Aggregates.AggregationSettings.ApplyTo"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">A table is missing or bad.</exception>
    internal static BuildResult BuildFromAggregates(string directory, BuildOptions options, TimeProvider timeProvider)
        => Build(agg => Aggregates.AggregatesReader.Load(directory, agg), options, timeProvider, null);

    /// <summary>Builds an index from aggregate tables (as <see cref="BuildFromAggregates(string, BuildOptions, TimeProvider)"/>) straight into an index file.</summary>
    internal static (IndexManifest Manifest, BuildSummary Summary) BuildFromAggregates(string directory, BuildOptions options, TimeProvider timeProvider, IndexFileWriter writer)
        => Build(agg => Aggregates.AggregatesReader.Load(directory, agg), options, timeProvider, null, writer);

    /// <summary>Aggregates a JSONL stream (the first half of a build: what <c>indexer aggregate</c> writes as tables).</summary>
    internal static LogAggregator AggregateJsonl(Stream jsonl, BuildOptions options, Action<ImportError> onBadLine, Action<long>? onProgress, CancellationToken cancellationToken)
    {
        var agg = new LogAggregator(options);
        new JsonlFastReader(agg, onBadLine).Read(jsonl, onProgress, cancellationToken);
        agg.Complete();
        return agg;
    }

    private static BuildResult Build(Action<LogAggregator> feed, BuildOptions options, TimeProvider timeProvider, Action<string>? onPhase)
    {
        var records = new List<IndexRecord>();
        IndexBuild? build = null;
        var summary = Build(feed, options, timeProvider, onPhase, records.Add, (versionOf, now, description, slice) =>
        {
            build = IndexBuild.Create(versionOf, now, description, records);
            build.Manifest.Slice = slice;
            return build.Manifest;
        });
        return new BuildResult(build!, summary);
    }

    private static (IndexManifest Manifest, BuildSummary Summary) Build(Action<LogAggregator> feed, BuildOptions options, TimeProvider timeProvider, Action<string>? onPhase, IndexFileWriter writer)
    {
        IndexManifest? manifest = null;
        var summary = Build(feed, options, timeProvider, onPhase, writer.Add, (versionOf, now, description, slice) => manifest = writer.Complete(versionOf, now, description, slice));
        return (manifest!, summary);
    }

    /// <summary>
    /// The build: aggregates, hands every record to <paramref name="sink"/>, then lets <paramref name="complete"/> sort,
    /// count and hash them into the manifest (the version named from the checksum, the creation time, the description, and
    /// for a slice of a partitioned build which slice it is).
    /// </summary>
    private static BuildSummary Build(Action<LogAggregator> feed, BuildOptions options, TimeProvider timeProvider, Action<string>? onPhase, Action<IndexRecord> sink, Func<Func<ulong, string>, DateTimeOffset, string, IndexSlice?, IndexManifest> complete)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var (output, totals, peakOpenSessions, readTicks, aggTicks, outStart) = Prepare(feed, options, onPhase, sink);
        output.Build();
        WriteInfoAndModel(totals.LastEvent, options, output.Summary, sink);

        onPhase?.Invoke("checksum");
        var now = timeProvider.GetUtcNow();
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"mpc+decay; source={options.Source ?? "-"}; events={totals.Events}; min-count={options.MinCount}; min-users={options.MinUsers}; misspelling-ratio={options.MisspellingRatio.ToString(CultureInfo.InvariantCulture)}; spacing-fold-agreement={options.SpacingFoldAgreement.ToString(CultureInfo.InvariantCulture)}; top-k={options.TopK}; max-prefix-length={options.MaxPrefixLength}; half-life={options.HalfLife}; session-gap={options.SessionGap}; pinyin={(options.Pinyin ? options.MaxPinyinVariants + "x" + options.MaxPinyinPrefixLength : "off")}; infix={(options.Infix ? options.MinLatinInfixLength + ".." + options.MaxInfixPrefixLength : "off")}; vocabulary-max={options.MaxVocabulary}; prune={(options.PruneCompleteNodes ? "on" : "off")}; text-tables={TextTablesVersion}; model={options.RankingModel?.ModelVersion ?? "-"}");
        var slice = options.SliceCount == 0 ? null : new IndexSlice
        {
            Index = options.SliceIndex,
            Count = options.SliceCount,
            BuildIdentity = SliceIdentity.Of(options, description, output.SliceContent),
            Version = options.Version ?? string.Empty,
        };
        var completeStart = Stopwatch.GetTimestamp();
        var manifest = complete(checksum => slice is not null ? IndexSlices.FileVersion(slice) : options.Version ?? IndexBuild.MakeVersionId(now, checksum), now, description, slice);
        var completeSeconds = Stopwatch.GetElapsedTime(completeStart).TotalSeconds;
        var outputTicks = Stopwatch.GetTimestamp() - outStart;
        return output.Summary with
        {
            EventsRead = totals.Events,
            SearchEvents = totals.SearchEvents,
            ClickEvents = totals.ClickEvents,
            CartEvents = totals.CartEvents,
            OrderEvents = totals.OrderEvents,
            EmptyQueries = totals.EmptyQueries,
            Sessions = totals.Sessions,
            PeakOpenSessions = peakOpenSessions,
            Users = (int)totals.Users,
            DuplicateSearches = totals.DuplicateSearches,
            Fragments = totals.Fragments,
            FinalSearches = totals.FinalSearches,
            UnattributedActions = totals.UnattributedActions,
            TotalRecords = (int)manifest.TotalRecords,
            ReadSeconds = Stopwatch.GetElapsedTime(0, readTicks).TotalSeconds,
            AggregateSeconds = Stopwatch.GetElapsedTime(0, aggTicks).TotalSeconds,
            OutputSeconds = Stopwatch.GetElapsedTime(0, outputTicks).TotalSeconds,
            OutputPhaseSeconds = [.. output.Summary.OutputPhaseSeconds, new("sort+checksum+write", completeSeconds)],
            LastEventTime = totals.LastEvent,
            Version = manifest.Version,
            Checksum = manifest.Checksum,
        };
    }

    /// <summary>The version's info record (i:info) and its ranking model (m:model, when carried): in the whole index, or slice 0.</summary>
    private static void WriteInfoAndModel(DateTimeOffset? lastEvent, BuildOptions options, BuildSummary summary, Action<IndexRecord> sink)
    {
        if (!TableSlicing.WritesShared(options))
        {
            return;
        }

        sink(new IndexRecord(IndexKeys.Info, new IndexInfo
        {
            MaxPrefixLength = options.MaxPrefixLength,
            TopK = options.TopK,
            HalfLifeSeconds = (long)options.HalfLife.TotalSeconds,
            AnchorUnixMs = lastEvent?.ToUnixTimeMilliseconds() ?? 0,
            MaxPinyinPrefixLength = options.Pinyin ? options.MaxPinyinPrefixLength : 0,
            MaxInfixPrefixLength = options.Infix ? options.MaxInfixPrefixLength : 0,
            VocabularyChunks = summary.VocabularyChunks,
            MaxPinyinVariants = options.Pinyin ? options.MaxPinyinVariants : 0,
            TextTablesVersion = TextTablesVersion,
            CompleteNodesPruned = options.PruneCompleteNodes,
            RankingModelVersion = options.RankingModel?.ModelVersion ?? string.Empty,
            PinyinSecondaryWeight = options.PinyinSecondaryWeight,
            NearDuplicateFoldChunks = summary.SpacingFoldChunks,
        }.ToByteArray()));
        if (options.RankingModel is { } model)
        {
            sink(new IndexRecord(IndexKeys.Model, model.ToByteArray()));
        }
    }

    /// <summary>
    /// Aggregates and sets up the outputs, in a frame of its own: the outputs drop the aggregator before the completion
    /// tables, and a slot of the build's frame (the tuple the aggregation returns) would keep it, with every query's
    /// statistics, alive through them (seen with <c>dotnet-dump gcroot</c>). The log-wide counts outlive it.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (OutputBuilder Output, Aggregates.AggregateTotals Totals, int PeakOpenSessions, long ReadTicks, long AggregateTicks, long OutputStart) Prepare(Action<LogAggregator> feed, BuildOptions options, Action<string>? onPhase, Action<IndexRecord> sink)
    {
        var (agg, readTicks, aggTicks, outStart) = AggregateInCanonicalOrder(feed, options, onPhase);
        return (new OutputBuilder(agg, options, sink), agg.Totals(), agg.PeakOpenSessions, readTicks, aggTicks, outStart);
    }

    /// <summary>
    /// Aggregates, then puts the aggregator in canonical order, in a frame of its own: a stack slot of the build's
    /// frame may keep the first aggregator (its lookup of every query by text, caches, sessions) reachable through
    /// the outputs though no code reads it again.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (LogAggregator Agg, long ReadTicks, long AggregateTicks, long OutputStart) AggregateInCanonicalOrder(Action<LogAggregator> feed, BuildOptions options, Action<string>? onPhase)
    {
        onPhase?.Invoke("aggregating");
        var agg = new LogAggregator(options);
        var feedStart = Stopwatch.GetTimestamp();
        feed(agg);
        var feedTicks = Stopwatch.GetTimestamp() - feedStart;
        var tc = Stopwatch.GetTimestamp();
        agg.Complete();
        var aggTicks = agg.AggregateTimestampTicks + (Stopwatch.GetTimestamp() - tc);
        var readTicks = feedTicks - agg.AggregateTimestampTicks;

        onPhase?.Invoke("outputs");
        var outStart = Stopwatch.GetTimestamp();
        return (agg.Canonical(), readTicks, aggTicks, outStart);
    }

    /// <summary>True when a normalized query is only digits, spaces and '-', with at least <paramref name="minDigits"/> digits.</summary>
    internal static bool IsNumericId(string query, int minDigits)
    {
        if (minDigits <= 0)
        {
            return false;
        }

        var digits = 0;
        foreach (var c in query)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is not (' ' or '-'))
            {
                return false;
            }
        }

        return digits >= minDigits;
    }
}
