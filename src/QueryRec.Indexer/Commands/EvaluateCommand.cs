using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using QueryRec.Core.Matching;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using QueryRec.Storage;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>evaluate</c>: a time-split replay (docs/ranking.md, "Evaluation"). The index is built in process from the events
/// before the split (default build options). Every search event at or after the split is a test query, scored on each
/// of its prefixes with <see cref="ReplayMetrics"/> for each ranker, side by side:
/// <list type="bullet">
/// <item><description>static MPC: the index's prefix-table node, frozen;</description></item>
/// <item><description>streaming MPC: <see cref="StreamingMpc"/>, offline;</description></item>
/// <item><description>
/// heuristic and learned: the real service in process (<see cref="InProcessPipeline"/>, replay clock on) fed by
/// <see cref="StreamingReplay"/>: the warmup events are reported first, then each test search asks Suggest for its
/// prefixes as that user before it is reported.
/// </description></item>
/// </list>
/// The hit rule credits a shown near-duplicate of the query (<see cref="NearDuplicates.Key"/>, the service's own
/// collapse key), and the MPC lists are collapsed the same way; the exact-text figures are reported beside.
/// </summary>
internal sealed class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var input = new Option<string>("--input") { Description = "The JSONL events file.", Required = true };
        var split = new Option<string>("--split") { Description = "The split time (ISO 8601, e.g. 2011-10-01T00:00:00Z): build before it, test from it.", Required = true };
        var maxPrefix = new Option<int>("--max-prefix") { Description = "Longest prefix length replayed, in runes.", DefaultValueFactory = _ => 10 };
        var savedTopK = new Option<int>("--psaved-top") { Description = "pSaved counts a query as accepted once it is within the top k shown.", DefaultValueFactory = _ => 1 };
        var json = new Option<string?>("--json") { Description = "Write the metrics as JSON to this file." };
        var mode = new Option<EvaluateMode>("--mode") { Description = "static: static MPC; offline: + streaming MPC; all: + the service (heuristic, and learned with --model).", DefaultValueFactory = _ => EvaluateMode.All };
        var model = new Option<string?>("--model") { Description = "An ONNX ranking model (indexer train): adds the 'learned' column." };
        var warmup = new Option<string>("--warmup") { Description = "Events in this span before the split are reported to the service before the test (e.g. 7d, 12h, 0).", DefaultValueFactory = _ => "7d" };
        var settingsFile = new Option<string?>("--settings") { Description = "A JSON object of service configuration overrides (\"QueryRec:Trending:MinDistinctUsers\": 1, ...)." };
        var set = new Option<string[]>("--set") { Description = "A service configuration override Key=Value (repeatable; applied after --settings).", AllowMultipleArgumentsPerToken = false, Arity = ArgumentArity.ZeroOrMore };
        var rebuildEvery = new Option<string>("--rebuild-every") { Description = "Streaming columns: rebuild the index from the events before split + k × this span and publish it to the running service, as a nightly indexer job would (e.g. 1d; 0: never). Static MPC stays frozen at the split.", DefaultValueFactory = _ => "0" };
        var ceilings = new Option<bool>("--ceilings") { Description = "Add upper bounds beside the rankers: the query first whenever it is known, and oracles that know the test period's or the day's query counts in advance (docs/ranking.md, \"Ceilings\")." };
        var command = new Command("evaluate", "Time-split replay: build before the split; score MRR@10, success@1/5/10 and pSaved per prefix length after it, static MPC, streaming MPC and the service side by side.")
        {
            input, split, maxPrefix, savedTopK, json, mode, model, warmup, settingsFile, set, rebuildEvery, ceilings,
        };
        command.SetAction((r, ct) => RunAsync(
            context,
            new EvaluateArgs(r.GetRequiredValue(input), r.GetRequiredValue(split))
            {
                MaxPrefix = r.GetValue(maxPrefix),
                SavedTopK = r.GetValue(savedTopK),
                JsonPath = r.GetValue(json),
                Mode = r.GetValue(mode),
                ModelPath = r.GetValue(model),
                Warmup = r.GetValue(warmup) ?? "7d",
                SettingsFile = r.GetValue(settingsFile),
                Set = r.GetValue(set) ?? [],
                RebuildEvery = r.GetValue(rebuildEvery) ?? "0",
                Ceilings = r.GetValue(ceilings),
            },
            ct));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, EvaluateArgs args, CancellationToken cancellationToken)
    {
        if (!DateTimeOffset.TryParse(args.Split, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var split))
        {
            throw new CliUserException($"--split '{args.Split}' is not a date and time.");
        }

        if (args.MaxPrefix is < 1 or > 32 || args.SavedTopK is < 1 or > ReplayMetrics.Depth)
        {
            throw new CliUserException($"--max-prefix must be from 1 to 32 and --psaved-top from 1 to {ReplayMetrics.Depth}.");
        }

        var warmup = ParseSpan(args.Warmup);
        var rebuildEvery = ParseSpan(args.RebuildEvery, "--rebuild-every");
        if (rebuildEvery > TimeSpan.Zero && rebuildEvery < TimeSpan.FromHours(1))
        {
            throw new CliUserException($"--rebuild-every '{args.RebuildEvery}' must be 0 (never) or at least 1h.");
        }
        var settings = ServiceSettings.Read(args.SettingsFile, args.Set);
        if (!File.Exists(args.Input))
        {
            throw new CliUserException($"input file not found: {args.Input}");
        }

        if (args.ModelPath is not null && !File.Exists(args.ModelPath))
        {
            throw new CliUserException($"model file not found: {args.ModelPath}");
        }

        var started = context.Time.GetTimestamp();
        long badLines = 0;
        var all = JsonlEventFormat.ReadFile(args.Input, _ => badLines++).ToList();
        var events = ReplayLog.WithoutRepeatedSearches(all.OrderBy(static e => e.Time), out var repeatedSearches);
        all.Clear();
        var (train, tests) = ReplayLog.Split(events, split);
        if (train.Count == 0 || tests.Count == 0)
        {
            throw new CliUserException($"the split {split:O} leaves {train.Count} events before it and {tests.Count} test searches after it; both must be non-empty.");
        }

        var built = IndexBuilder.Build(train, new BuildOptions(), context.Time);
        var trainEvents = train.Count;
        train.Clear();
        var buildSeconds = context.Time.GetElapsedTime(started).TotalSeconds;
        var runs = new List<RankerRun>();
        var nearKey = new Func<string, string>(NearDuplicates.Key);

        var clock = context.Time.GetTimestamp();
        var (staticNear, staticExact) = await EvaluateRuns.StaticMpcAsync(built.Build, tests, args.MaxPrefix, nearKey, cancellationToken);
        runs.Add(EvaluateRuns.Run("static MPC", staticNear, staticExact, args, nearKey, context.Time.GetElapsedTime(clock), null));

        var indexPath = Path.Combine(Path.GetTempPath(), $"queryrec-evaluate-{Guid.NewGuid():N}.qrx");
        try
        {
            IndexFile.WriteFile(built.Build, indexPath);
            if (args.Mode != EvaluateMode.Static)
            {
                clock = context.Time.GetTimestamp();
                var (streamNear, streamExact) = await EvaluateRuns.StreamingMpcCasesAsync(EvalVocabulary.Read(indexPath), tests, args.MaxPrefix, nearKey);
                runs.Add(EvaluateRuns.Run("streaming MPC", streamNear, streamExact, args, nearKey, context.Time.GetElapsedTime(clock), null));
            }

            if (args.Mode == EvaluateMode.All)
            {
                var replay = new StreamingReplayOptions(split)
                {
                    WarmupFrom = warmup > TimeSpan.Zero ? split - warmup : null,
                    MaxPrefix = args.MaxPrefix,
                    Limit = ReplayMetrics.Depth,
                    RebuildEvery = rebuildEvery > TimeSpan.Zero ? rebuildEvery : null,
                };
                var serviceSettings = replay.ServiceSettings(settings);

                runs.Add(await EvaluateRuns.ServiceRunAsync(context, "heuristic", indexPath, null, serviceSettings, events, replay, args, nearKey, cancellationToken));
                if (args.ModelPath is not null)
                {
                    runs.Add(await EvaluateRuns.ServiceRunAsync(context, "learned", indexPath, args.ModelPath, serviceSettings, events, replay, args, nearKey, cancellationToken));
                }
            }
        }
        finally
        {
            File.Delete(indexPath);
        }

        if (args.Ceilings)
        {
            clock = context.Time.GetTimestamp();
            var bounds = ReplayCeilings.Compute(events, split, args.MaxPrefix, nearKey);
            var computed = context.Time.GetElapsedTime(clock); // one computation for the four columns
            foreach (var name in ReplayCeilings.Names)
            {
                runs.Add(EvaluateRuns.Run(name, bounds[name], bounds[name], args, nearKey, computed, null) with { Ceiling = true });
            }
        }

        var elapsed = context.Time.GetElapsedTime(started);
        EvaluateTables.Print(context, runs, args.MaxPrefix);
        context.Summary("evaluate", [
            ("mode", args.Mode.ToString().ToLowerInvariant()),
            ("events before split", BuildCommand.N(trainEvents)),
            ("test searches", BuildCommand.N(tests.Count)),
            ("queries kept in index", BuildCommand.N(built.Summary.QueriesKept)),
            ("bad lines skipped", BuildCommand.N(badLines)),
            ("repeated search rows dropped", BuildCommand.N(repeatedSearches)),
            ("index rebuilt every", rebuildEvery > TimeSpan.Zero ? rebuildEvery.ToString("c", CultureInfo.InvariantCulture) + " (streaming columns)" : "never"),
            ("hit rule", "near-duplicate (exact text beside)"),
            ("index build", EvaluateTables.Seconds(buildSeconds)),
            ("time", EvaluateTables.Seconds(elapsed.TotalSeconds)),
        ]);
        if (args.JsonPath is not null)
        {
            var baseline = runs[0].Near.Overall.Mrr10;
            var payload = new
            {
                mode = args.Mode.ToString().ToLowerInvariant(),
                split = split.ToString("O", CultureInfo.InvariantCulture),
                warmup = args.Mode == EvaluateMode.All ? warmup.ToString("c", CultureInfo.InvariantCulture) : null,
                rebuildEvery = args.Mode == EvaluateMode.All && rebuildEvery > TimeSpan.Zero ? rebuildEvery.ToString("c", CultureInfo.InvariantCulture) : null,
                testQueries = "every search event at or after the split with a non-empty normalized query, once per (user, query, time)",
                repeatedSearchRowsDropped = repeatedSearches,
                hitRule = "near: a shown text with the query's NearDuplicates.Key is a hit (MPC lists collapsed by that key, as the service does); exact: the same text, MPC lists as indexed",
                eventsBeforeSplit = trainEvents,
                testSearches = tests.Count,
                queriesKept = built.Summary.QueriesKept,
                maxPrefix = args.MaxPrefix,
                pSavedTopK = args.SavedTopK,
                model = args.ModelPath,
                settings,
                seconds = elapsed.TotalSeconds,
                rankers = runs.Select(r => new
                {
                    name = r.Name,
                    kind = r.Ceiling ? "ceiling" : "ranker",
                    seconds = r.Elapsed.TotalSeconds,
                    relativeMrr10VsStaticMpc = baseline == 0 ? 0 : (r.Near.Overall.Mrr10 / baseline) - 1,
                    near = r.Near,
                    exact = r.Exact,
                    replay = r.Stats,
                }),
            };
            await File.WriteAllTextAsync(args.JsonPath, JsonSerializer.Serialize(payload, JsonOptions), cancellationToken);
        }

        return IndexerCli.ExitOk;
    }

    /// <summary>Parses a span: "7d", "36h", "90m", "0", or a TimeSpan ("7.00:00:00").</summary>
    public static TimeSpan ParseSpan(string text, string option = "--warmup")
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        TimeSpan span;
        if (t.Length > 1 && char.IsLetter(t[^1]) && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
        {
            span = char.ToLowerInvariant(t[^1]) switch
            {
                'd' => TimeSpan.FromDays(Math.Min(n, 36500)),
                'h' => TimeSpan.FromHours(Math.Min(n, 876000)),
                'm' => TimeSpan.FromMinutes(Math.Min(n, 52560000)),
                _ => TimeSpan.MinValue,
            };
        }
        else if (t == "0")
        {
            span = TimeSpan.Zero;
        }
        else if (!TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out span))
        {
            span = TimeSpan.MinValue;
        }

        return span < TimeSpan.Zero
            ? throw new CliUserException($"{option} '{text}' is not a duration (e.g. 7d, 12h, 30m, 0 or 7.00:00:00).")
            : span;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
