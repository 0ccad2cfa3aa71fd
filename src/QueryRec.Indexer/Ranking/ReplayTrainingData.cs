using Microsoft.Extensions.DependencyInjection;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Serving.Ranking;
using QueryRec.Storage;

namespace QueryRec.Indexer.Ranking;

/// <summary>What <see cref="ReplayTrainingData.CollectAsync"/> replays.</summary>
/// <param name="From">Start of the training replay (T0): the index is built from the events before it.</param>
/// <param name="Until">End of the training replay (T, exclusive): nothing at or after it is read.</param>
internal sealed record ReplayTrainingOptions(DateTimeOffset From, DateTimeOffset Until)
{
    /// <summary>Events in [From − Warmup, From) are reported before the replay (history, trending), as evaluate does.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Rebuild and publish the index every this long after From (<see cref="StreamingReplayOptions.RebuildEvery"/>); null: never.</summary>
    public TimeSpan? RebuildEvery { get; init; }

    /// <summary>Prefix lengths asked: 1 .. min(MaxPrefix, runes of the query).</summary>
    public int MaxPrefix { get; init; } = 10;

    /// <summary>Configuration overrides of the in-process service (the evaluation's settings).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>Stop keeping groups beyond this many rows (bounded memory).</summary>
    public int MaxRows { get; init; } = 5_000_000;

    /// <summary>
    /// Whether the replay reports its events (the warm state, as production streams). False is the cold state: a fresh
    /// real-time store that nothing is reported to, as after a restart on the embedded store or for a new deployment.
    /// </summary>
    public bool Report { get; init; } = true;

    /// <summary>Directory for the index file of the replay (deleted afterwards); null: a new temp directory.</summary>
    public string? WorkDirectory { get; init; }
}

/// <summary>The groups and what it took to get them.</summary>
/// <param name="Collector">The rows and the group counts.</param>
/// <param name="Replay">The replay's statistics.</param>
/// <param name="IndexEvents">Events the index was built from.</param>
/// <param name="QueriesKept">Queries in that index.</param>
internal sealed record ReplayTrainingResult(ReplayGroupCollector Collector, StreamingReplayStats Replay, long IndexEvents, long QueriesKept);

/// <summary>
/// Training groups from replayed logs, i.e. feature logging at serving with no train/serve skew: builds an index from
/// the events before <see cref="ReplayTrainingOptions.From"/>, starts the real service on it in process (heuristic
/// ranking, replay clock, the given settings) with a <see cref="ReplayGroupCollector"/> as its feature log, and replays
/// [From, Until) through it with <see cref="StreamingReplay"/>: each search asks Suggest for each prefix as that user,
/// and the rows the service computed for its candidates are labelled by the query the user searched.
/// </summary>
internal static class ReplayTrainingData
{
    /// <summary>Runs the replay; <paramref name="events"/> must be sorted by time.</summary>
    /// <param name="searchReplayed">Told once per replayed search, when its first prefix is answered (progress).</param>
    /// <param name="into">The collector of an earlier replay to add the groups to (numbered on); null: a new one.</param>
    public static async Task<ReplayTrainingResult> CollectAsync(
        IReadOnlyList<LogEvent> events,
        ReplayTrainingOptions options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        Action? searchReplayed = null,
        ReplayGroupCollector? into = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        if (options.From >= options.Until)
        {
            throw new ArgumentException($"the replay start {options.From:O} must be before its end {options.Until:O}.", nameof(options));
        }

        var before = events.Where(e => e.Time < options.From).ToList();
        var built = IndexBuilder.Build(before, new BuildOptions(), timeProvider);
        var work = options.WorkDirectory is null ? Directory.CreateTempSubdirectory("queryrec-train-").FullName : Directory.CreateDirectory(options.WorkDirectory).FullName;
        var indexPath = Path.Combine(work, "train-index.qrx");
        try
        {
            IndexFile.WriteFile(built.Build, indexPath);
            var collector = into ?? new ReplayGroupCollector(options.MaxRows);
            collector.Key = EvalNearKeys.Of(built.Build).Key;
            var replayed = events.Where(e => e.Time < options.Until).ToList();
            var replay = new StreamingReplayOptions(options.From) { WarmupFrom = options.From - options.Warmup, MaxPrefix = options.MaxPrefix, RebuildEvery = options.RebuildEvery, Report = options.Report };
            StreamingReplayStats stats;
            await using (var service = await InProcessPipeline.StartAsync(
                new InProcessPipelineOptions(indexPath)
                {
                    Settings = replay.ServiceSettings(options.Settings),
                    ConfigureServices = services => services.AddSingleton<IRankingFeatureLog>(collector),
                },
                cancellationToken))
            {
                stats = await StreamingReplay.RunAsync(
                    replayed,
                    service,
                    replay,
                    (e, query, length, response) =>
                    {
                        if (length == 1)
                        {
                            searchReplayed?.Invoke();
                        }

                        return collector.OnSuggestAsync(e, query, length, response);
                    },
                    cancellationToken,
                    options.RebuildEvery is null ? null : ReplayIndexRebuild.For(replayed, service, timeProvider));
            }

            return new ReplayTrainingResult(collector, stats, before.Count, built.Summary.QueriesKept);
        }
        finally
        {
            File.Delete(indexPath);
            if (options.WorkDirectory is null)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }
}
