using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Ranking;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Commands;

/// <summary><c>train --events</c>: the training replay through the serving pipeline, in each real-time state asked for.</summary>
internal static class TrainReplay
{
    /// <summary>
    /// Replays the events of [from, until − guard window) through the service in process and returns the labelled
    /// groups (see <see cref="ReplayTrainingData"/>), with what the guard replays after training (null without one).
    /// </summary>
    public static async Task<(List<LtrRow> Rows, ModelGuardPlan? Guard)> FromEventsAsync(
        CliContext context, TrainCommand.TrainSource source, int maxRows, List<(string, string)> summary, CancellationToken cancellationToken)
    {
        var path = source.Events!;
        if (!File.Exists(path))
        {
            throw new CliUserException($"events file not found: {path}");
        }

        if (source.Until is null)
        {
            throw new CliUserException("--events needs --until (the end of the training replay).");
        }

        var until = TrainCommand.ParseTime("--until", source.Until);
        var from = source.From is null ? until - TrainCommand.ParseSpan("--window", source.Window) : TrainCommand.ParseTime("--from", source.From);
        if (from >= until)
        {
            throw new CliUserException($"--from {from:O} must be before --until {until:O}.");
        }

        // The guard's held-out window is the tail of the replayed span: the model never trains on it.
        // Discover's ranker has no guard: its cases are too few per day to replay a window of them twice.
        var guard = source.Discovery ? TimeSpan.Zero
            : source.GuardWindow == "auto" ? (until - from) / 5 : TrainCommand.ParseSpan("--guard-window", source.GuardWindow);
        var trainUntil = until - guard;
        if (trainUntil <= from)
        {
            throw new CliUserException($"--guard-window {guard:c} leaves nothing of {from:O} .. {until:O} to train on.");
        }

        if (source.GuardTolerance is < 0 or > 1 || double.IsNaN(source.GuardTolerance))
        {
            throw new CliUserException("--guard-tolerance must be from 0 to 1 (MRR@10).");
        }

        var rebuildEvery = TrainCommand.ParseSpan("--rebuild-every", source.RebuildEvery);
        if (rebuildEvery > TimeSpan.Zero && rebuildEvery < TimeSpan.FromHours(1))
        {
            throw new CliUserException($"--rebuild-every '{source.RebuildEvery}' must be 0 (never) or at least 1h.");
        }

        var settings = ServiceSettings.Read(source.SettingsFile, source.Set);
        var badLines = 0L;
        var firstBad = string.Empty;
        var events = new List<LogEvent>();
        foreach (var e in JsonlEventFormat.ReadFile(path, error =>
        {
            if (badLines++ == 0)
            {
                firstBad = $"{Path.GetFileName(path)}: line {error.LineNumber}: {error.Reason}";
            }
        }))
        {
            if (e.Time < until)
            {
                events.Add(e);
            }
        }

        // A stable sort: same file, same order, same replay.
        events = ReplayLog.WithoutRepeatedSearches(events.OrderBy(static e => e.Time), out _);
        if (!events.Any(e => e.Time < from))
        {
            throw new CliUserException($"{path}: no event before --from {from:O}; the index of the replay is built from them.");
        }

        if (!events.Any(e => e.Time >= from && e.Time < trainUntil && e.Type == LogEventType.Search))
        {
            throw new CliUserException($"{path}: no search in [{from:O}, {trainUntil:O}) to replay.");
        }

        // Checked before training: a model whose guard cannot run would be written without its figures.
        if (guard > TimeSpan.Zero && !events.Any(e => e.Time >= trainUntil && e.Type == LogEventType.Search))
        {
            throw new CliUserException($"{path}: no search in the guard window [{trainUntil:O}, {until:O}); end --until at the log's end, shorten --guard-window, or give it 0.");
        }

        var replayStates = ParseStates(source.States);
        var warmup = TrainCommand.ParseSpan("--warmup", source.Warmup);
        if (source.Discovery)
        {
            return (await DiscoveryRowsAsync(context, events, new ReplayTrainingOptions(from, trainUntil) { Warmup = warmup, Settings = settings, MaxRows = maxRows }, summary, cancellationToken), null);
        }

        var started = context.Time.GetTimestamp();
        ReplayTrainingResult? result = null;
        var searches = ReplayLog.Searches(events).Count(e => e.Event.Time >= from && e.Event.Time < trainUntil);
        foreach (var warm in replayStates)
        {
            using var progress = context.Progress($"train: replaying the searches ({(warm ? "warm" : "cold")})", searches, "searches");
            try
            {
                var replayed = await ReplayTrainingData.CollectAsync(
                    events,
                    new ReplayTrainingOptions(from, trainUntil)
                    {
                        Warmup = warmup,
                        RebuildEvery = rebuildEvery > TimeSpan.Zero ? rebuildEvery : null,
                        Settings = settings,
                        MaxRows = maxRows,
                        Report = warm,
                    },
                    context.Time,
                    cancellationToken,
                    () => progress.Add(),
                    result?.Collector);
                result = result is null ? replayed : replayed with { Replay = result.Replay.Plus(replayed.Replay) };
            }
            catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException or IOException)
            {
                throw new CliUserException($"the in-process service failed: {ex.Message}");
            }
        }

        // ParseStates gives at least one state, so there was a replay.
        var collector = result!.Collector;
        var rows = collector.Rows.ToList();
        if (source.RowsOutput is { } rowsPath)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(rowsPath))!);
            using var writer = new StreamWriter(rowsPath, append: false, new UTF8Encoding(false));
            LtrDataset.Write(writer, rows);
        }

        summary.Add(("replay", $"{from:O} .. {trainUntil:O}, {source.States} (index from {BuildCommand.N(result.IndexEvents)} events, {BuildCommand.N(result.QueriesKept)} queries)"));
        if (result.Replay.Rebuilds > 0)
        {
            summary.Add(("index rebuilt and published", $"{BuildCommand.N(result.Replay.Rebuilds)} times (every {rebuildEvery:c})"));
        }

        summary.Add(("replayed searches / suggests", $"{BuildCommand.N(result.Replay.TestSearches)} / {BuildCommand.N(result.Replay.Suggests)} ({BuildCommand.N(result.Replay.DegradedSuggests)} degraded)"));
        summary.Add(("groups kept / without positive", $"{BuildCommand.N(collector.Groups)} / {BuildCommand.N(collector.WithoutPositive)}" + (collector.OverBudget > 0 ? $" ({BuildCommand.N(collector.OverBudget)} over --max-rows)" : string.Empty)));
        summary.Add(("served MRR@10 on replay", collector.Answers == 0 ? "-" : (collector.ServedReciprocalRankSum / collector.Answers).ToString("F4", CultureInfo.InvariantCulture)));
        summary.Add(("bad lines skipped", badLines == 0 ? "0" : $"{BuildCommand.N(badLines)} (first: {firstBad})"));
        summary.Add(("replay time", context.Time.GetElapsedTime(started).TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s"));
        if (source.RowsOutput is not null)
        {
            summary.Add(("rows output", source.RowsOutput));
        }

        if (collector.Unpaired > 0)
        {
            throw new CliUserException($"{collector.Unpaired} Suggest answers had no feature record; the feature log is not wired.");
        }

        var plan = guard <= TimeSpan.Zero ? null : new ModelGuardPlan(events, new ModelGuardOptions(trainUntil, until, settings)
        {
            Warmup = warmup,
            RebuildEvery = rebuildEvery > TimeSpan.Zero ? rebuildEvery : null,
            Tolerance = source.GuardTolerance,
        });
        return (rows, plan);
    }

    private static async Task<List<LtrRow>> DiscoveryRowsAsync(
        CliContext context, List<LogEvent> events, ReplayTrainingOptions options, List<(string, string)> summary, CancellationToken cancellationToken)
    {
        var started = context.Time.GetTimestamp();
        DiscoveryTrainingResult result;
        using (var progress = context.Progress("train: replaying the next-query cases", 0, "cases"))
        {
            try
            {
                result = await DiscoveryTrainingData.CollectAsync(events, options, context.Time, cancellationToken, () => progress.Add());
            }
            catch (Exception ex) when (ex is InvalidOperationException or OptionsValidationException or IOException)
            {
                throw new CliUserException($"the in-process service failed: {ex.Message}");
            }
        }

        var collector = result.Collector;
        summary.Add(("replay", $"{options.From:O} .. {options.Until:O}, warm (index from {BuildCommand.N(result.IndexEvents)} events, {BuildCommand.N(result.QueriesKept)} queries)"));
        summary.Add(("next-query cases", BuildCommand.N(result.Cases)));
        summary.Add(("groups kept / without positive", $"{BuildCommand.N(collector.Groups)} / {BuildCommand.N(collector.WithoutPositive)}" + (collector.OverBudget > 0 ? $" ({BuildCommand.N(collector.OverBudget)} over --max-rows)" : string.Empty)));
        summary.Add(("replay time", context.Time.GetElapsedTime(started).TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s"));
        if (collector.Unpaired > 0)
        {
            throw new CliUserException($"{collector.Unpaired} Discover answers had no feature record; the feature log is not wired.");
        }

        return [.. collector.Rows];
    }

    /// <summary>The states of <c>--states</c>, warm first: true for warm, false for cold.</summary>
    internal static IReadOnlyList<bool> ParseStates(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(static n => n is not ("warm" or "cold")).ToList();
        if (names.Length == 0 || unknown.Count > 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
        {
            throw new CliUserException($"--states '{text}' must list warm and/or cold once each (e.g. warm,cold).");
        }

        return [.. names.OrderBy(static n => n == "warm" ? 0 : 1).Select(static n => n == "warm")];
    }
}
