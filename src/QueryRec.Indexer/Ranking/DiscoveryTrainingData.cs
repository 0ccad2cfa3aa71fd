using Microsoft.Extensions.DependencyInjection;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Serving.Browse;
using QueryRec.Serving.Ranking;
using QueryRec.Storage;

namespace QueryRec.Indexer.Ranking;

/// <summary>The Discover groups and what it took to get them.</summary>
/// <param name="Collector">The rows and the group counts.</param>
/// <param name="Cases">Next-query cases asked.</param>
/// <param name="IndexEvents">Events the index was built from.</param>
/// <param name="QueriesKept">Queries in that index.</param>
internal sealed record DiscoveryTrainingResult(DiscoveryGroupCollector Collector, int Cases, long IndexEvents, long QueriesKept);

/// <summary>
/// Discover training groups from a replayed log (<c>train --discovery --events</c>): an index built from the events
/// before <see cref="ReplayTrainingOptions.From"/>, the real service on it in process with a
/// <see cref="DiscoveryGroupCollector"/> as its Discover feature log, and [From, Until) replayed as
/// <c>evaluate --discovery</c> replays its test period: at each next-query case (<see cref="DiscoveryPairs"/>), before
/// the next search is reported, Discover BROWSING is asked for RELATED and REFINE with the previous query, and the
/// rows the service computed are labelled by the next query. The index must not know the cases it is trained on, so
/// From is also the end of the index's events, as the evaluation's split is.
/// </summary>
internal static class DiscoveryTrainingData
{
    public static async Task<DiscoveryTrainingResult> CollectAsync(
        IReadOnlyList<LogEvent> events,
        ReplayTrainingOptions options,
        TimeProvider timeProvider,
        CancellationToken cancellationToken,
        Action? caseAsked = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        var before = events.Where(e => e.Time < options.From).ToList();
        var built = IndexBuilder.Build(before, new BuildOptions(), timeProvider);
        var work = Directory.CreateTempSubdirectory("queryrec-train-discovery-").FullName;
        var indexPath = Path.Combine(work, "train-index.qrx");
        try
        {
            IndexFile.WriteFile(built.Build, indexPath);
            var collector = new DiscoveryGroupCollector(options.MaxRows);
            var replayed = events.Where(e => e.Time < options.Until).ToList();
            var pairs = DiscoveryPairs.Of(replayed, options.From, DiscoveryPairs.DefaultGap);
            var replay = new StreamingReplayOptions(options.From) { WarmupFrom = options.From - options.Warmup, MaxPrefix = 0, Report = options.Report };
            await using (var service = await InProcessPipeline.StartAsync(
                new InProcessPipelineOptions(indexPath)
                {
                    Settings = replay.ServiceSettings(options.Settings),
                    ConfigureServices = services => services.AddSingleton<IDiscoveryFeatureLog>(collector),
                },
                cancellationToken))
            {
                await StreamingReplay.RunAsync(
                    replayed,
                    service,
                    replay,
                    static (_, _, _, _) => ValueTask.CompletedTask,
                    cancellationToken,
                    onTestSearch: async (e, _) =>
                    {
                        if (!pairs.TryGetValue(e, out var pair))
                        {
                            return;
                        }

                        var request = DiscoveryPairs.Request(pair, Stage.Browsing, DiscoverHandler.MaxLimit, SectionKind.Related, SectionKind.Refine);
                        collector.OnDiscover(await service.DiscoverAsync(request, cancellationToken), pair.Next);
                        caseAsked?.Invoke();
                    });
            }

            return new DiscoveryTrainingResult(collector, pairs.Count, before.Count, built.Summary.QueriesKept);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
