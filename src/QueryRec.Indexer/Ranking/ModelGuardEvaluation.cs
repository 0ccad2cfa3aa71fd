using System.Globalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Commands;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Serving.Ranking;
using QueryRec.Storage;

namespace QueryRec.Indexer.Ranking;

/// <summary>What <see cref="ModelGuardEvaluation.RunAsync"/> compares on.</summary>
/// <param name="From">Start of the held-out window: the index is built from the events before it.</param>
/// <param name="Until">End of the window (exclusive).</param>
/// <param name="Settings">The service settings of the training replay.</param>
internal sealed record ModelGuardOptions(DateTimeOffset From, DateTimeOffset Until, IReadOnlyDictionary<string, string?> Settings)
{
    /// <summary>Events this long before <see cref="From"/> are reported before the streaming replay.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The nightly rebuild of the training replay; null: never.</summary>
    public TimeSpan? RebuildEvery { get; init; }

    /// <summary>How far below the heuristic the model may be and still pass.</summary>
    public double Tolerance { get; init; }
}

/// <summary>
/// The publish-time guard's figures: the new model and the heuristic replayed through the serving pipeline in process
/// on a window the model was not trained on, as <c>evaluate</c> replays (<see cref="EvaluateServiceRuns.InProcessAsync"/>),
/// cold (nothing reported) and streaming, with the own-last-query rows scored apart. The model passes when it is not
/// below the heuristic by more than the tolerance in any of them.
/// </summary>
internal static class ModelGuardEvaluation
{
    /// <summary>The figures compared, in the order losses are listed.</summary>
    public static readonly string[] Figures = ["cold", "streaming", "own_last_query"];

    /// <summary>Replays [From, Until) of <paramref name="events"/> (sorted, repeated searches dropped) with and without the model.</summary>
    public static async Task<ModelGuard> RunAsync(
        CliContext context, IReadOnlyList<LogEvent> events, string modelPath, ModelGuardOptions options, CancellationToken cancellationToken)
    {
        var window = events.Where(e => e.Time < options.Until).ToList();
        var (before, tests) = ReplayLog.Split(window, options.From);
        if (before.Count == 0 || tests.Count == 0)
        {
            throw new CliUserException(
                $"the guard window {options.From:O} .. {options.Until:O} has {tests.Count} searches and {before.Count} events before it; both must be non-empty (shorten --guard-window or give it 0).");
        }

        var built = IndexBuilder.Build(before, new BuildOptions(), context.Time);
        var indexPath = Path.Combine(Path.GetTempPath(), $"queryrec-guard-{Guid.NewGuid():N}.qrx");
        try
        {
            IndexFile.WriteFile(built.Build, indexPath);
            var scoring = new EvaluateScoring(ReplayMetrics.Depth, 1, EvalNearKeys.Of(built.Build).Key, OwnLastQuery.Flags(window, options.From));
            var replay = new StreamingReplayOptions(options.From)
            {
                WarmupFrom = options.From - options.Warmup,
                MaxPrefix = ReplayMetrics.Depth,
                Limit = ReplayMetrics.Depth,
                RebuildEvery = options.RebuildEvery,
            };
            var pipeline = new InProcessPipelineOptions(indexPath) { Settings = replay.ServiceSettings(options.Settings) };
            var heuristic = await EvaluateServiceRuns.InProcessAsync(context, "guard: heuristic", pipeline, window, replay, scoring, cancellationToken);
            var learned = await EvaluateServiceRuns.InProcessAsync(context, "guard: learned", pipeline with { ModelPath = modelPath }, window, replay, scoring, cancellationToken);
            var ownSearches = scoring.OwnLastQuery.Count(static f => f);
            return Compare(FiguresOf(heuristic, ownSearches), FiguresOf(learned, ownSearches), options) with
            {
                Searches = tests.Count,
                OwnLastQuerySearches = ownSearches,
            };
        }
        finally
        {
            File.Delete(indexPath);
        }
    }

    /// <summary>The verdict on two sets of figures (the model's and the heuristic's, by <see cref="Figures"/> name).</summary>
    public static ModelGuard Compare(IReadOnlyDictionary<string, double> heuristic, IReadOnlyDictionary<string, double> learned, ModelGuardOptions options)
    {
        var losses = new List<string>();
        foreach (var figure in Figures)
        {
            if (heuristic.TryGetValue(figure, out var h) && learned.TryGetValue(figure, out var l) && l < h - options.Tolerance)
            {
                losses.Add(string.Create(CultureInfo.InvariantCulture, $"{figure}: MRR@10 {l:F4} < heuristic {h:F4}"));
            }
        }

        return new ModelGuard
        {
            From = options.From,
            Until = options.Until,
            Tolerance = options.Tolerance,
            Heuristic = heuristic,
            Learned = learned,
            Losses = losses,
            Passed = losses.Count == 0,
        };
    }

    /// <summary>MRR@10 of the cold run, the streaming run and (with such rows) the streaming run's own-last-query rows.</summary>
    private static Dictionary<string, double> FiguresOf(List<RankerRun> runs, int ownSearches)
    {
        var cold = runs.Single(static r => r.State == RankerState.Cold);
        var streaming = runs.Single(static r => r.State == RankerState.Streaming);
        var figures = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["cold"] = Math.Round(cold.Near.Overall.Mrr10, 6),
            ["streaming"] = Math.Round(streaming.Near.Overall.Mrr10, 6),
        };
        if (ownSearches > 0 && streaming.OwnLastQuery.Cases > 0)
        {
            figures["own_last_query"] = Math.Round(streaming.OwnLastQuery.Mrr10, 6);
        }

        return figures;
    }
}
