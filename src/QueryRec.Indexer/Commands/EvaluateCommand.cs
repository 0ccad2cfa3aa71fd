using System.CommandLine;
using System.Globalization;
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
/// <see cref="StreamingReplay"/>, each cold (nothing reported) and streaming (the warmup events are reported first,
/// then each test search asks Suggest for its prefixes as that user before it is reported);
/// </description></item>
/// <item><description>
/// or, with <c>--server</c>, the ranker of a running server in the same two states, through its public API
/// (<see cref="GrpcReplayTarget"/>, events stamped with the wall clock).
/// </description></item>
/// </list>
/// Every column also scores the own-last-query rows (<see cref="OwnLastQuery"/>).
/// The hit rule credits a shown near-duplicate of the query (the built index's <see cref="NearDuplicateKeys"/>: the
/// service's own collapse key, spacing folds included), and the MPC lists are collapsed the same way; the exact-text figures are reported beside.
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
        var server = new Option<string?>("--server") { Description = "Replay through a running server instead of the in-process service (http:// for h2c, https:// for TLS). It must be fresh (nothing reported to it) and serve the index built from the events before the split (--write-index); docs/evaluation.md." };
        var writeIndex = new Option<string?>("--write-index") { Description = "Also write the index built from the events before the split to this file (.qrx), for a server to serve." };
        var discovery = new Option<bool>("--discovery") { Description = "Measure Discover instead of Suggest: for consecutive searches of one user within 30 min after the split, how often each section (asked with the first query) shows the next one, against the hot list (docs/evaluation.md, \"Discover\")." };
        var push = new Option<bool>("--push") { Description = "Measure GetPushQueries instead of Suggest: for each subject active on a day after the split, the push list from the events before that day, hit when they search a pushed query (or a near-duplicate or refinement) within 3 days, against the global hot list and their own last query (docs/evaluation.md, \"Push\")." };
        var correction = new Option<bool>("--correction") { Description = "Measure Correct and the zero-result ALTERNATIVES section instead of Suggest: precision and recall per kind on --truth cases (simulate --truth), else on correction pairs mined from the events after the split (docs/evaluation.md, \"Correction\")." };
        var truth = new Option<string?>("--truth") { Description = "With --correction: the simulator's typo truth file (simulate --truth)." };
        var command = new Command("evaluate", "Time-split replay: build before the split; score MRR@10, success@1/5/10 and pSaved per prefix length after it, static MPC, streaming MPC and the service side by side.")
        {
            input, split, maxPrefix, savedTopK, json, mode, model, warmup, settingsFile, set, rebuildEvery, ceilings, server, writeIndex, discovery, push, correction, truth,
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
                Server = r.GetValue(server),
                WriteIndex = r.GetValue(writeIndex),
                Discovery = r.GetValue(discovery),
                Push = r.GetValue(push),
                Correction = r.GetValue(correction),
                TruthPath = r.GetValue(truth),
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

        if ((args.Discovery ? 1 : 0) + (args.Push ? 1 : 0) + (args.Correction ? 1 : 0) > 1)
        {
            throw new CliUserException("--discovery, --push and --correction measure different products: give one of them.");
        }

        var server = ServerOf(args, rebuildEvery);
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
        List<LogEvent> events;
        List<string> tests;
        BuiltIndex built;
        using (context.Progress("evaluate: reading the events and building the index"))
        {
            var all = JsonlEventFormat.ReadFile(args.Input, _ => badLines++).ToList();
            events = ReplayLog.WithoutRepeatedSearches(all.OrderBy(static e => e.Time), out var repeated);
            all.Clear();
            List<LogEvent> train;
            (train, tests) = ReplayLog.Split(events, split);
            if (train.Count == 0 || tests.Count == 0)
            {
                throw new CliUserException($"the split {split:O} leaves {train.Count} events before it and {tests.Count} test searches after it; both must be non-empty.");
            }

            built = new BuiltIndex(IndexBuilder.Build(train, new BuildOptions(), context.Time), train.Count, repeated);
            train.Clear();
        }

        var buildSeconds = context.Time.GetElapsedTime(started).TotalSeconds;
        if (args.Push)
        {
            return await EvaluatePush.RunAsync(context, args, built, events, split, warmup, settings, server, cancellationToken);
        }

        if (args.Correction)
        {
            return await EvaluateCorrection.RunAsync(context, args, built, events, split, settings, server, cancellationToken);
        }

        if (args.Discovery)
        {
            return await EvaluateDiscovery.RunAsync(context, args, built, events, split, warmup, settings, server, cancellationToken);
        }

        var runs = new List<RankerRun>();
        // The hit rule collapses by the built index's keys (its spacing folds included), as the service built from it does.
        var scoring = new EvaluateScoring(args.MaxPrefix, args.SavedTopK, EvalNearKeys.Of(built.Result.Build).Key, OwnLastQuery.Flags(events, split));
        ServerFacts? serverFacts = null;

        var clock = context.Time.GetTimestamp();
        List<ReplayCase> near, exact;
        using (var progress = context.Progress("evaluate: static MPC", tests.Count, "test searches"))
        {
            (near, exact) = await EvaluateRuns.StaticMpcAsync(built.Result.Build, tests, args.MaxPrefix, scoring.NearKey, progress, cancellationToken);
        }

        runs.Add(scoring.Run("static MPC", RankerState.Cold, near, exact, context.Time.GetElapsedTime(clock), null));

        var indexPath = args.WriteIndex ?? Path.Combine(Path.GetTempPath(), $"queryrec-evaluate-{Guid.NewGuid():N}.qrx");
        try
        {
            IndexFile.WriteFile(built.Result.Build, indexPath);
            if (args.Mode != EvaluateMode.Static)
            {
                clock = context.Time.GetTimestamp();
                using (var progress = context.Progress("evaluate: streaming MPC", tests.Count, "test searches"))
                {
                    (near, exact) = await EvaluateRuns.StreamingMpcCasesAsync(EvalVocabulary.Read(indexPath), tests, args.MaxPrefix, scoring.NearKey, progress);
                }

                runs.Add(scoring.Run("streaming MPC", RankerState.Streaming, near, exact, context.Time.GetElapsedTime(clock), null));
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
                if (server is not null)
                {
                    (var serverRuns, serverFacts) = await EvaluateServiceRuns.ServerAsync(context, server, events, replay, scoring, cancellationToken);
                    runs.AddRange(serverRuns);
                }
                else
                {
                    var pipeline = new InProcessPipelineOptions(indexPath) { Settings = replay.ServiceSettings(settings) };
                    runs.AddRange(await EvaluateServiceRuns.InProcessAsync(context, "heuristic", pipeline, events, replay, scoring, cancellationToken));
                    if (args.ModelPath is not null)
                    {
                        runs.AddRange(await EvaluateServiceRuns.InProcessAsync(context, "learned", pipeline with { ModelPath = args.ModelPath }, events, replay, scoring, cancellationToken));
                    }
                }
            }
        }
        finally
        {
            if (args.WriteIndex is null)
            {
                File.Delete(indexPath);
            }
        }

        if (args.Ceilings)
        {
            clock = context.Time.GetTimestamp();
            IReadOnlyDictionary<string, List<ReplayCase>> bounds;
            using (context.Progress("evaluate: ceilings"))
            {
                bounds = ReplayCeilings.Compute(events, split, args.MaxPrefix, scoring.NearKey);
            }

            var computed = context.Time.GetElapsedTime(clock); // one computation for the four columns
            foreach (var name in ReplayCeilings.Names)
            {
                runs.Add(scoring.Run(name, null, bounds[name], bounds[name], computed, null) with { Ceiling = true });
            }
        }

        var elapsed = context.Time.GetElapsedTime(started);
        EvaluateTables.Print(context, runs, args.MaxPrefix);
        context.Summary("evaluate", [
            ("mode", args.Mode.ToString().ToLowerInvariant()),
            ("service", serverFacts is null ? "in process (replay clock)" : $"server {serverFacts.Address} (wall clock; index {string.Join(", ", serverFacts.IndexVersions)})"),
            ("events before split", BuildCommand.N(built.EventsBeforeSplit)),
            ("test searches", BuildCommand.N(tests.Count)),
            ("own-last-query searches", BuildCommand.N(scoring.OwnLastQuery.Count(static f => f))),
            ("queries kept in index", BuildCommand.N(built.Result.Summary.QueriesKept)),
            ("index written", args.WriteIndex is null ? "no" : $"{args.WriteIndex} (version {built.Result.Build.Version})"),
            ("bad lines skipped", BuildCommand.N(badLines)),
            ("repeated search rows dropped", BuildCommand.N(built.RepeatedSearches)),
            ("index rebuilt every", rebuildEvery > TimeSpan.Zero ? rebuildEvery.ToString("c", CultureInfo.InvariantCulture) + " (streaming columns)" : "never"),
            ("hit rule", "near-duplicate (exact text beside)"),
            ("index build", EvaluateTables.Seconds(buildSeconds)),
            ("time", EvaluateTables.Seconds(elapsed.TotalSeconds)),
        ]);
        if (args.JsonPath is not null)
        {
            var report = new EvaluateReport(args, split, warmup, rebuildEvery, settings, built, tests.Count, serverFacts, elapsed);
            await File.WriteAllTextAsync(args.JsonPath, report.ToJson(runs), cancellationToken);
        }

        return IndexerCli.ExitOk;
    }

    /// <summary>The <c>--server</c> address, null without it; refuses the options that only the in-process service takes.</summary>
    private static Uri? ServerOf(EvaluateArgs args, TimeSpan rebuildEvery)
    {
        if (args.Server is null)
        {
            return null;
        }

        if (!Uri.TryCreate(args.Server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new CliUserException($"--server '{args.Server}' is not an http:// or https:// address (e.g. http://127.0.0.1:5080).");
        }

        if (args.Mode != EvaluateMode.All)
        {
            throw new CliUserException($"--server replays through the server's ranker: it needs --mode all, not {args.Mode.ToString().ToLowerInvariant()}.");
        }

        if (args.ModelPath is not null || args.SettingsFile is not null || args.Set.Count > 0)
        {
            throw new CliUserException("--model, --settings and --set configure the in-process service; with --server the server's own model and settings are measured (start it with them, see docs/evaluation.md).");
        }

        return rebuildEvery > TimeSpan.Zero
            ? throw new CliUserException("--rebuild-every publishes to the in-process service; with --server the server's index stays as served (publish to it yourself for a nightly rebuild).")
            : uri;
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
}
