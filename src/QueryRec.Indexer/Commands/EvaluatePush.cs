using System.Globalization;
using System.Text.Json;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>evaluate --push</c> (docs/evaluation.md, "Push"): the log replayed through the service in time order (the warmup
/// and every later event reported); at each UTC midnight from the split on, before any event of that day is reported,
/// GetPushQueries is asked for every subject active that day (<see cref="PushCases"/>) and scored against what they
/// searched in the next <see cref="PushCases.DefaultHorizon"/>, beside two baselines asked at the same moment: the
/// global hot list (the push answer of an anonymous caller) and the subject's own last query.
/// </summary>
internal static class EvaluatePush
{
    public const string Push = "push", Hot = "global hot (baseline)", LastQuery = "own last query (baseline)",
        ReturningPush = "push, returning subjects", ReturningHot = "global hot, returning subjects";

    /// <summary>The push limit asked: the deepest cut scored.</summary>
    public const int Depth = 5;

    /// <summary>
    /// Service settings the evaluation needs under the caller's: no push was reported, so the daily cap only has to
    /// leave <see cref="Depth"/> queries.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> Defaults = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        ["QueryRec:Strategies:PushDailyCap"] = Depth.ToString(CultureInfo.InvariantCulture),
    };

    public static async Task<int> RunAsync(
        CliContext context,
        EvaluateArgs args,
        BuiltIndex built,
        List<LogEvent> events,
        DateTimeOffset split,
        TimeSpan warmup,
        IReadOnlyDictionary<string, string?> settings,
        Uri? server,
        CancellationToken cancellationToken)
    {
        var started = context.Time.GetTimestamp();
        var days = PushCases.Of(events, split, PushCases.DefaultHorizon);
        if (days.Count == 0)
        {
            throw new CliUserException($"no day from the split {split:O} has {PushCases.DefaultHorizon.TotalDays} days of log after it: nothing to measure.");
        }

        // The replay's day hook fires at TestFrom + k days: TestFrom one day before the first measured day.
        var replay = new StreamingReplayOptions(days.Keys.First().AddDays(-1))
        {
            WarmupFrom = warmup > TimeSpan.Zero ? split - warmup : split,
            MaxPrefix = 0,
            RebuildEvery = TimeSpan.FromDays(1),
        };
        var merged = new Dictionary<string, string?>(Defaults, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            merged[key] = value;
        }

        var columns = await PreSplitTarget.RunAsync(
            context, args, built, server, replay, merged, (target, _) => ReplayAsync(context, target, events, replay, days, cancellationToken, EvalNearKeys.Of(built.Result.Build).Key), cancellationToken);

        Print(context, columns);
        var facts = PreSplitTarget.Facts(server, split, warmup);
        facts["days measured"] = $"{days.Count} ({days.Keys.First():yyyy-MM-dd} … {days.Keys.Last():yyyy-MM-dd})";
        facts["horizon"] = PushCases.DefaultHorizon.ToString("c", CultureInfo.InvariantCulture);
        return await PreSplitTarget.FinishAsync(context, "evaluate --push", facts, built, started, args.JsonPath, f => ToJson(columns, f), cancellationToken);
    }

    public static async Task<List<PushColumn>> ReplayAsync(
        CliContext context,
        IReplayTarget target,
        IReadOnlyList<LogEvent> events,
        StreamingReplayOptions replay,
        SortedDictionary<DateTimeOffset, List<PushCase>> days,
        CancellationToken cancellationToken,
        Func<string, string>? key = null)
    {
        // Hits and new intent by the collapse key of the index the service was built from (its spacing folds).
        var push = new PushMetrics(Push, key);
        var hot = new PushMetrics(Hot, key);
        var last = new PushMetrics(LastQuery, key);

        // Returning subjects (a search before the day): where a personal list can exist at all.
        var returningPush = new PushMetrics(ReturningPush, key);
        var returningHot = new PushMetrics(ReturningHot, key);
        using var progress = context.Progress("evaluate: push", days.Values.Sum(static d => d.Count), "subject-days");
        await StreamingReplay.RunAsync(
            events,
            target,
            replay,
            static (_, _, _, _) => ValueTask.CompletedTask,
            cancellationToken,
            rebuild: async (at, ct) =>
            {
                if (!days.TryGetValue(at, out var cases))
                {
                    return;
                }

                var global = Texts(await target.GetPushQueriesAsync(new GetPushQueriesRequest { Limit = Depth }, ct));
                foreach (var c in cases)
                {
                    var answer = await target.GetPushQueriesAsync(new GetPushQueriesRequest { UserId = c.UserId, Limit = Depth }, ct);
                    var fresh = c.NewSearches(key);
                    push.Add(c.Searched, fresh, Texts(answer), answer.Fallback);
                    hot.Add(c.Searched, fresh, global);
                    last.Add(c.Searched, fresh, c.LastQuery.Length == 0 ? [] : [c.LastQuery]);
                    if (c.LastQuery.Length > 0)
                    {
                        returningPush.Add(c.Searched, fresh, Texts(answer), answer.Fallback);
                        returningHot.Add(c.Searched, fresh, global);
                    }

                    progress.Add();
                }
            });
        return [push.Result(), hot.Result(), last.Result(), returningPush.Result(), returningHot.Result()];
    }

    public static void Print(CliContext context, IReadOnlyList<PushColumn> columns)
    {
        var table = new Table().Title($"Push: the subject searches a pushed query (or a near-duplicate or refinement) within {PushCases.DefaultHorizon.TotalDays:0} days")
            .AddColumns("column", "subject-days", "hit@1", "hit@3", "hit@5", "vs hot @5", "new-intent hit@5", "vs hot", "non-empty", "fallback");
        foreach (var c in columns)
        {
            // Each column against the hot list of the same subjects.
            var hot = columns.FirstOrDefault(h => h.Name == (c.Name.Contains("returning", StringComparison.Ordinal) ? ReturningHot : Hot));
            table.AddRow(
                c.Name,
                BuildCommand.N(c.Cases),
                EvaluateTables.Percent(c.HitRate1),
                EvaluateTables.Percent(c.HitRate3),
                EvaluateTables.Percent(c.HitRate5),
                Ratio(c.HitRate5, hot?.HitRate5),
                EvaluateTables.Percent(c.NewHitRate5),
                Ratio(c.NewHitRate5, hot?.NewHitRate5),
                EvaluateTables.Percent(c.Cases == 0 ? 0 : (double)c.NonEmpty / c.Cases),
                EvaluateTables.Percent(c.Cases == 0 ? 0 : (double)c.Fallback / c.Cases));
        }

        context.Console.Write(table);
        context.Console.WriteLine($"new intent: a search that is no near-duplicate of one the subject made in the {PushCases.RecentWindow.TotalDays:0} days before (what a push may offer: it never repeats a recent search).");
    }

    private static string Ratio(double value, double? baseline)
        => baseline is not > 0 ? "-" : (value / baseline.Value).ToString("0.00×", CultureInfo.InvariantCulture);

    public static string ToJson(IReadOnlyList<PushColumn> columns, IReadOnlyDictionary<string, string> facts) => JsonSerializer.Serialize(
        new
        {
            facts,
            columns = columns.Select(static c => new
            {
                name = c.Name,
                cases = c.Cases,
                hits1 = c.Hits1,
                hits3 = c.Hits3,
                hits5 = c.Hits5,
                hitRate1 = c.HitRate1,
                hitRate3 = c.HitRate3,
                hitRate5 = c.HitRate5,
                newHits5 = c.NewHits5,
                newHitRate5 = c.NewHitRate5,
                nonEmpty = c.NonEmpty,
                fallback = c.Fallback,
            }),
        },
        new JsonSerializerOptions { WriteIndented = true });

    private static string[] Texts(GetPushQueriesResponse response) => [.. response.Items.Select(static i => i.Text)];
}
