using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using QueryRec.Core.Ranking;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Ranking;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Commands;

/// <summary><c>train</c>: trains the LambdaRank ranker on learning-to-rank rows and exports ONNX plus a model card (see docs/ranking.md).</summary>
internal sealed class TrainCommand
{
    /// <summary>The default of <c>--guard-tolerance</c> (MRR@10).</summary>
    public const double DefaultGuardTolerance = 0.005;

    public static Command Create(CliContext context)
    {
        var d = new RankerTrainerOptions();
        var input = new Option<string?>("--input") { Description = "TSV of learning-to-rank rows: header 'group label <feature names>', then one row per candidate." };
        var events = new Option<string?>("--events") { Description = "JSONL events: replay [--from, --until) through the service in process and train on the rows it logged." };
        var until = new Option<string?>("--until") { Description = "With --events: end of the training replay (ISO 8601, exclusive); nothing later is read." };
        var from = new Option<string?>("--from") { Description = "With --events: start of the training replay (ISO 8601); the index is built from the events before it. Default: --until minus --window." };
        var window = new Option<string>("--window") { Description = "With --events and no --from: the replayed span before --until (e.g. 21d, 36h).", DefaultValueFactory = _ => "21d" };
        var warmup = new Option<string>("--warmup") { Description = "With --events: events this long before --from are only reported (history, trending), as evaluate does.", DefaultValueFactory = _ => "7d" };
        var rebuildEvery = new Option<string>("--rebuild-every") { Description = "With --events: rebuild the index from the events before --from + k × this span and publish it to the running service, as a nightly indexer job would and as evaluate --rebuild-every does (e.g. 1d; 0: never).", DefaultValueFactory = _ => "0" };
        var set = new Option<string[]>("--set") { Description = "With --events: a service setting Key=Value (repeatable; after --settings).", AllowMultipleArgumentsPerToken = false };
        var settingsFile = new Option<string?>("--settings") { Description = "With --events: a JSON file of service settings (appsettings form, nested or 'A:B' keys)." };
        var states = new Option<string>("--states") { Description = "With --events: the real-time states replayed, comma-separated: warm (events reported, as production streams), cold (a fresh real-time store, nothing reported: after a restart, a new deployment); the groups of each are trained on together.", DefaultValueFactory = _ => "warm" };
        var guardWindow = new Option<string>("--guard-window") { Description = "With --events: the tail of the replayed span held out for the publish-time guard: the model and the heuristic are replayed on it cold and streaming, and build --model / publish-model refuse a model that loses (e.g. 3d; auto: a fifth of the span; 0: no guard).", DefaultValueFactory = _ => "auto" };
        var guardTolerance = new Option<double>("--guard-tolerance") { Description = "With --events: how far below the heuristic (MRR@10) the model may be on the guard window and still pass; the default 0.005 lets noise pass (on a window of ~1,500 searches two equally good rankers differ by about 0.001-0.002), not a real loss.", DefaultValueFactory = _ => DefaultGuardTolerance };
        var discovery = new Option<bool>("--discovery") { Description = "With --events: train the Discover ranker (RELATED and REFINE, schema discovery-features-v1) on next-query cases instead of Suggest's; no guard." };
        var rowsOutput = new Option<string?>("--rows-output") { Description = "With --events: also write the groups as TSV in the --input format." };
        var minRowsPerLeaf = new Option<int>("--min-rows-per-leaf") { Description = "Minimum rows per leaf (regularization).", DefaultValueFactory = _ => d.MinRowsPerLeaf };
        var holdoutTail = new Option<bool>("--holdout-tail") { Description = "Hold out the last 20 % of the groups (replay groups are in time order) instead of a seeded random 20 %." };
        var ignore = new Option<string?>("--ignore-features") { Description = "Comma-separated feature names set to 0 before training (ablation)." };
        var synthetic = new Option<int?>("--synthetic") { Description = "Train on N deterministic toy groups instead of --input (8 candidates each)." };
        var output = new Option<string>("--output") { Description = "The ONNX model to write; the card goes to <name>.card.json.", Required = true };
        var maxRows = new Option<int>("--max-rows") { Description = "Refuse inputs with more rows than this.", DefaultValueFactory = _ => 5_000_000 };
        var iterations = new Option<int>("--iterations") { Description = "Boosting iterations.", DefaultValueFactory = _ => d.Iterations };
        var leaves = new Option<int>("--leaves") { Description = "Leaves per tree.", DefaultValueFactory = _ => d.Leaves };
        var learningRate = new Option<double>("--learning-rate") { Description = "Learning rate.", DefaultValueFactory = _ => d.LearningRate };
        var seed = new Option<int>("--seed") { Description = "Seed of the held-out split, the trainer and --synthetic.", DefaultValueFactory = _ => d.Seed };
        var command = new Command("train", "Train the LambdaRank ranker (LightGBM), export ONNX and write the model card.")
        {
            input, events, until, from, window, warmup, rebuildEvery, states, guardWindow, guardTolerance, set, settingsFile, rowsOutput, discovery, synthetic, output, maxRows, iterations, leaves, learningRate,
            minRowsPerLeaf, holdoutTail, ignore, seed,
        };
        command.SetAction((r, ct) => RunAsync(
            context,
            new TrainSource(r.GetValue(input), r.GetValue(synthetic), r.GetValue(events))
            {
                Until = r.GetValue(until),
                From = r.GetValue(from),
                Window = r.GetValue(window) ?? "21d",
                Warmup = r.GetValue(warmup) ?? "7d",
                RebuildEvery = r.GetValue(rebuildEvery) ?? "0",
                States = r.GetValue(states) ?? "warm",
                GuardWindow = r.GetValue(guardWindow) ?? "auto",
                GuardTolerance = r.GetValue(guardTolerance),
                Set = r.GetValue(set) ?? [],
                SettingsFile = r.GetValue(settingsFile),
                RowsOutput = r.GetValue(rowsOutput),
                Discovery = r.GetValue(discovery),
            },
            r.GetRequiredValue(output),
            r.GetValue(maxRows),
            new RankerTrainerOptions
            {
                Iterations = r.GetValue(iterations),
                Leaves = r.GetValue(leaves),
                LearningRate = r.GetValue(learningRate),
                MinRowsPerLeaf = r.GetValue(minRowsPerLeaf),
                HoldoutTail = r.GetValue(holdoutTail),
                IgnoredFeatures = r.GetValue(ignore) is { } names ? [.. names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [],
                Seed = r.GetValue(seed),
            },
            ct));
        return command;
    }

    /// <summary>Where the rows come from: exactly one of <see cref="Input"/>, <see cref="Synthetic"/> and <see cref="Events"/>.</summary>
    internal sealed record TrainSource(string? Input, int? Synthetic, string? Events)
    {
        public string? Until { get; init; }

        public string? From { get; init; }

        public string Window { get; init; } = "21d";

        public string Warmup { get; init; } = "7d";

        public string RebuildEvery { get; init; } = "0";

        public string States { get; init; } = "warm";

        public string GuardWindow { get; init; } = "auto";

        public double GuardTolerance { get; init; } = DefaultGuardTolerance;

        public IReadOnlyList<string> Set { get; init; } = [];

        public string? SettingsFile { get; init; }

        public string? RowsOutput { get; init; }

        /// <summary>Train the Discover ranker (<see cref="DiscoveryFeatureSchema"/>) instead of Suggest's.</summary>
        public bool Discovery { get; init; }
    }

    public static async Task<int> RunAsync(
        CliContext context, TrainSource source, string output, int maxRows, RankerTrainerOptions options, CancellationToken cancellationToken)
    {
        var (input, synthetic) = (source.Input, source.Synthetic);
        if (new[] { input is not null, synthetic is not null, source.Events is not null }.Count(b => b) != 1)
        {
            throw new CliUserException("give exactly one of --input, --synthetic and --events.");
        }

        if (source.Events is null && ((source.Until ?? source.From ?? source.SettingsFile ?? source.RowsOutput) is not null || source.Set.Count > 0))
        {
            throw new CliUserException("--until, --from, --set, --settings and --rows-output go with --events.");
        }

        if (source.Discovery && source.Events is null)
        {
            throw new CliUserException("--discovery goes with --events (its groups come from replayed next-query cases).");
        }

        if (source.Discovery && (source.RowsOutput is not null || source.RebuildEvery != "0" || source.States != "warm"))
        {
            throw new CliUserException("--discovery replays warm with a fixed index: --rows-output, --rebuild-every and --states are for Suggest's ranker.");
        }

        if (source.Discovery)
        {
            options = new RankerTrainerOptions
            {
                Iterations = options.Iterations,
                Leaves = options.Leaves,
                LearningRate = options.LearningRate,
                MinRowsPerLeaf = options.MinRowsPerLeaf,
                HoldoutTail = options.HoldoutTail,
                IgnoredFeatures = options.IgnoredFeatures,
                Seed = options.Seed,
                Schema = DiscoveryFeatureSchema.Schema,
            };
        }

        if (synthetic is < 2 or > 1_000_000)
        {
            throw new CliUserException("--synthetic must be from 2 to 1000000 groups.");
        }

        if (maxRows < 1 || options.Iterations < 1 || options.Leaves < 2 || options.LearningRate is <= 0 or > 1 || options.MinRowsPerLeaf < 1)
        {
            throw new CliUserException("--max-rows, --iterations and --min-rows-per-leaf must be ≥ 1, --leaves ≥ 2, --learning-rate in (0, 1].");
        }

        List<LtrRow> rows;
        ModelGuardPlan? guardPlan = null;
        var replayLines = new List<(string, string)>();
        if (source.Events is not null)
        {
            (rows, guardPlan) = await TrainReplay.FromEventsAsync(context, source, maxRows, replayLines, cancellationToken);
        }
        else if (input is not null)
        {
            if (!File.Exists(input))
            {
                throw new CliUserException($"input file not found: {input}");
            }

            try
            {
                rows = LtrDataset.Read(input, maxRows);
            }
            catch (InvalidDataException ex)
            {
                throw new CliUserException(ex.Message);
            }
        }
        else
        {
            rows = LtrDataset.Synthetic(synthetic!.Value, options.Seed);
        }

        if (rows.Select(r => r.Group).Distinct().Take(2).Count() < 2)
        {
            throw new CliUserException("training needs at least 2 groups.");
        }

        var schema = options.Schema;
        var unknown = options.IgnoredFeatures.Where(n => !schema.Names.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new CliUserException($"--ignore-features: unknown feature {string.Join(", ", unknown)} ({schema.Version}: {string.Join(' ', schema.Names)}).");
        }

        var started = context.Time.GetTimestamp();
        QueryRec.Serving.Ranking.ModelCard card;
        using (context.Progress($"train: fitting the ranker on {BuildCommand.N(rows.Count)} rows ({options.Iterations} iterations)"))
        {
            card = RankerTrainer.Train(rows, options, output, context.Time.GetUtcNow());
        }

        if (guardPlan is not null)
        {
            card = card with { Guard = await ModelGuardEvaluation.RunAsync(context, guardPlan.Events, output, guardPlan.Options, cancellationToken) };
            await File.WriteAllTextAsync(RankerTrainer.CardPath(output), card.ToJson(), cancellationToken);
        }

        var elapsed = context.Time.GetElapsedTime(started);
        static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

        // The trainer's card carries every field; only a hand-made card leaves some out.
        static string N(long? n) => BuildCommand.N(n.GetValueOrDefault());
        var metrics = card.Metrics!;
        context.Summary("train", [
            ("schema", $"{schema.Version} ({schema.Count} features)"),
            ("model version", card.ModelVersion!),
            ("rows / groups", $"{N(card.Rows)} / {N(card.Groups)}"),
            ("train rows / groups", $"{N(card.TrainRows)} / {N(card.TrainGroups)}"),
            ("held-out rows / groups", $"{N(card.TestRows)} / {N(card.TestGroups)}"),
            .. replayLines,
            ("NDCG@1 / @3 / @10", $"{F(metrics["ndcg_at_1"])} / {F(metrics["ndcg_at_3"])} / {F(metrics["ndcg_at_10"])}"),
            ("held-out MRR@10 model / input order", $"{F(metrics["mrr_at_10"])} / {F(metrics["input_order_mrr_at_10"])}"),
            .. GuardLines(card.Guard),
            ("ONNX max |diff|", card.OnnxMaxAbsDiff.GetValueOrDefault().ToString("G3", CultureInfo.InvariantCulture)),
            ("model bytes", N(card.ModelBytes)),
            ("train time", card.TrainSeconds.GetValueOrDefault().ToString("F2", CultureInfo.InvariantCulture) + " s"),
            ("total time", elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s"),
            ("output", output),
            ("card", RankerTrainer.CardPath(output)),
        ]);
        return IndexerCli.ExitOk;
    }

    /// <summary>The summary lines of the guard's figures and verdict; none without a guard.</summary>
    private static IEnumerable<(string, string)> GuardLines(QueryRec.Serving.Ranking.ModelGuard? guard)
    {
        if (guard is null)
        {
            yield break;
        }

        static string F(IReadOnlyDictionary<string, double>? figures, string name)
            => figures is not null && figures.TryGetValue(name, out var v) ? v.ToString("F4", CultureInfo.InvariantCulture) : "-";
        yield return ("guard window", $"{guard.From:O} .. {guard.Until:O} ({BuildCommand.N(guard.Searches.GetValueOrDefault())} searches, {BuildCommand.N(guard.OwnLastQuerySearches.GetValueOrDefault())} own-last-query)");
        foreach (var figure in ModelGuardEvaluation.Figures)
        {
            yield return ($"guard {figure.Replace('_', ' ')} model / heuristic", $"{F(guard.Learned, figure)} / {F(guard.Heuristic, figure)}");
        }

        yield return ("guard", guard.Passed == true
            ? "passed: build --model and publish-model accept it"
            : $"FAILED ({string.Join("; ", guard.Losses ?? [])}): build --model and publish-model refuse it without --force");
    }

    internal static DateTimeOffset ParseTime(string option, string text)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new CliUserException($"{option} '{text}' is not a date and time.");

    /// <summary>A span: <c>21d</c>, <c>36h</c>, <c>90m</c> or a TimeSpan (<c>7.00:00:00</c>); from 0 to 3650 days.</summary>
    internal static TimeSpan ParseSpan(string option, string text)
    {
        var t = text.Trim();
        TimeSpan? span = null;
        if (t.Length > 1 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n >= 0 && n <= 3650 * 24 * 60)
        {
            span = char.ToLowerInvariant(t[^1]) switch
            {
                'd' => TimeSpan.FromDays(n),
                'h' => TimeSpan.FromHours(n),
                'm' => TimeSpan.FromMinutes(n),
                _ => null,
            };
        }

        if (span is null && TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var parsed))
        {
            span = parsed;
        }

        return span is { } s && s >= TimeSpan.Zero && s <= TimeSpan.FromDays(3650)
            ? s
            : throw new CliUserException($"{option} '{text}' is not a duration from 0 to 3650 days (e.g. 21d, 36h, 7.00:00:00).");
    }
}
