using System.Globalization;
using System.Text.Json;
using QueryRec.Contracts.V1;
using QueryRec.Core.Matching;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>evaluate --correction</c> (docs/evaluation.md, "Correction"): the index built before the split (its mined pairs
/// included) answers Correct for each case after it, in process or through <c>--server</c>: the simulator's corrected
/// typos (<c>--truth</c>, from <c>simulate --truth</c>), else the pairs the miner finds in the test period alone.
/// Precision and recall per kind; the intended queries themselves, which must stay uncorrected; and the ALTERNATIVES
/// section of the zero-result cases (the intended query among the first 3).
/// </summary>
internal static class EvaluateCorrection
{
    /// <summary>Most intended queries asked as negatives (each must come back uncorrected).</summary>
    public const int MaxNegatives = 2000;

    /// <summary>Most distinct test-period queries asked in the held-out mode (the corrections are listed for judging).</summary>
    public const int MaxTestQueries = 5000;

    public static async Task<int> RunAsync(
        CliContext context,
        EvaluateArgs args,
        BuiltIndex built,
        List<LogEvent> events,
        DateTimeOffset split,
        IReadOnlyDictionary<string, string?> settings,
        Uri? server,
        CancellationToken cancellationToken)
    {
        var started = context.Time.GetTimestamp();
        var cases = args.TruthPath is { } truth
            ? File.Exists(truth) ? CorrectionCases.ReadTruth(truth, split) : throw new CliUserException($"truth file not found: {truth}")
            : CorrectionCases.HeldOutPairs(events, split, context.Time);
        var source = args.TruthPath is null ? "pairs mined from the test period (held out by time)" : $"simulator truth {args.TruthPath}";
        var indexPath = args.WriteIndex ?? Path.Combine(Path.GetTempPath(), $"queryrec-evaluate-{Guid.NewGuid():N}.qrx");
        Result result;
        List<(string Query, Contracts.V1.Correction Correction)> corrected = [];
        var testQueries = args.TruthPath is null ? TestQueries(events, split) : [];
        var keys = EvalNearKeys.Of(built.Result.Build).Key;
        try
        {
            QueryRec.Storage.IndexFile.WriteFile(built.Result.Build, indexPath);
            if (server is not null)
            {
                using var target = new GrpcReplayTarget(server, context.Time);
                result = await ScoreAsync(context, target, cases, cancellationToken, keys);
                corrected = await CorrectAllAsync(target, testQueries, cancellationToken);
            }
            else
            {
                await using var service = await InProcessPipeline.StartAsync(new InProcessPipelineOptions(indexPath) { Settings = settings }, cancellationToken);
                result = await ScoreAsync(context, service, cases, cancellationToken, keys);
                corrected = await CorrectAllAsync(service, testQueries, cancellationToken);
            }
        }
        finally
        {
            if (args.WriteIndex is null)
            {
                File.Delete(indexPath);
            }
        }

        Print(context, result);
        if (testQueries.Count > 0)
        {
            var byKind = string.Join(", ", corrected.GroupBy(static c => c.Correction.Kind).OrderBy(static g => g.Key).Select(static g => $"{g.Key} {g.Count()}"));
            context.Console.WriteLine($"test-period queries asked: {BuildCommand.N(testQueries.Count)}, corrected {BuildCommand.N(corrected.Count)} ({byKind}); listed for judging in the --json file's .corrections.tsv.");
        }

        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["service"] = server is null ? "in process" : $"server {server}",
            ["cases"] = source,
            ["split"] = split.ToString("O", CultureInfo.InvariantCulture),
            ["correction pairs mined before the split (c:)"] = BuildCommand.N(built.Result.Summary.CorrectionPairs),
            ["index version"] = built.Result.Build.Version,
            ["time"] = EvaluateTables.Seconds(context.Time.GetElapsedTime(started).TotalSeconds),
        };
        context.Summary("evaluate --correction", facts.Select(static f => (f.Key, f.Value)));
        if (args.JsonPath is not null)
        {
            await File.WriteAllTextAsync(args.JsonPath, ToJson(result, facts), cancellationToken);
            await File.WriteAllLinesAsync(args.JsonPath + ".misses.tsv", result.Misses, cancellationToken);
            await File.WriteAllLinesAsync(
                args.JsonPath + ".corrections.tsv",
                corrected.Select(static c => string.Join('\t', c.Query, c.Correction.Text, c.Correction.Kind, c.Correction.Confidence.ToString("0.###", CultureInfo.InvariantCulture), c.Correction.Action, c.Correction.Mined)),
                cancellationToken);
        }

        return IndexerCli.ExitOk;
    }

    /// <summary>The figures of one run.</summary>
    public sealed record Result(IReadOnlyList<CorrectionMetrics> Kinds, CorrectionMetrics Negatives, IReadOnlyList<RescueMetrics> Rescue)
    {
        /// <summary>The cases not corrected to the intended query: kind, typed, intended, what was answered (empty: nothing).</summary>
        public List<string> Misses { get; } = [];
    }

    /// <param name="key">The collapse key of the index the service was built from (its spacing folds); the text-only one when null.</param>
    public static async Task<Result> ScoreAsync(CliContext context, IReplayTarget target, IReadOnlyList<CorrectionCase> cases, CancellationToken cancellationToken, Func<string, string>? key = null)
    {
        var misses = new List<string>();
        var kinds = new SortedDictionary<string, CorrectionMetrics>(StringComparer.Ordinal);
        var all = new CorrectionMetrics("all");
        var rescue = new SortedDictionary<string, RescueMetrics>(StringComparer.Ordinal);
        var rescueAll = new RescueMetrics("all");
        using (var progress = context.Progress("evaluate: correction", cases.Count, "cases"))
        {
            foreach (var c in cases)
            {
                var request = new CorrectRequest { UserId = c.UserId, Query = c.Typed, Stage = Stage.Browsing, Scene = Scene.SearchResult };
                if (c.Results is { } results)
                {
                    request.ResultCount = results;
                }

                var answer = (await target.CorrectAsync(request, cancellationToken)).Correction;
                var right = answer is not null && Same(answer.Text, c.Intended, key);
                var rewrite = answer?.Action == CorrectionAction.Rewrite;
                Of(kinds, c.Kind, static n => new CorrectionMetrics(n)).Add(answer is not null, right, rewrite);
                all.Add(answer is not null, right, rewrite);
                if (!right)
                {
                    misses.Add(string.Join('\t', c.Kind, c.Typed, c.Intended, answer?.Text ?? string.Empty));
                }

                if (c.Results is null or 0)
                {
                    var rank = await RescueRankAsync(target, c, key, cancellationToken);
                    Of(rescue, c.Kind, static n => new RescueMetrics(n)).Add(rank.Rank, rank.Empty);
                    rescueAll.Add(rank.Rank, rank.Empty);
                }

                progress.Add();
            }
        }

        var negatives = new CorrectionMetrics("intended queries (must stay)");
        foreach (var intended in cases.Select(static c => QueryNormalizer.Normalize(c.Intended)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxNegatives))
        {
            var answer = (await target.CorrectAsync(new CorrectRequest { Query = intended, Stage = Stage.Browsing }, cancellationToken)).Correction;
            negatives.Add(answer is not null, answer is null, answer?.Action == CorrectionAction.Rewrite);
        }

        var result = new Result([.. kinds.Values, all], negatives, [.. rescue.Values, rescueAll]);
        result.Misses.AddRange(misses);
        return result;
    }

    /// <summary>The distinct normalized queries searched at or after the split, most searched first (then text), at most <see cref="MaxTestQueries"/>.</summary>
    private static List<string> TestQueries(IEnumerable<LogEvent> events, DateTimeOffset split)
        => [.. events.Where(e => e.Type == LogEventType.Search && e.Time >= split)
            .GroupBy(static e => QueryNormalizer.Normalize(e.Query), StringComparer.Ordinal)
            .Where(static g => g.Key.Length > 0)
            .OrderByDescending(static g => g.Count()).ThenBy(static g => g.Key, StringComparer.Ordinal)
            .Take(MaxTestQueries)
            .Select(static g => g.Key)];

    /// <summary>The corrections Correct makes of <paramref name="queries"/>.</summary>
    private static async Task<List<(string Query, Contracts.V1.Correction Correction)>> CorrectAllAsync(IReplayTarget target, IReadOnlyList<string> queries, CancellationToken cancellationToken)
    {
        var corrected = new List<(string, Contracts.V1.Correction)>();
        foreach (var query in queries)
        {
            if ((await target.CorrectAsync(new CorrectRequest { Query = query, Stage = Stage.Browsing }, cancellationToken)).Correction is { } correction)
            {
                corrected.Add((query, correction));
            }
        }

        return corrected;
    }

    /// <summary>Where the intended query shows in the ALTERNATIVES section of the case's zero-result page (-1: not in the first 10).</summary>
    private static async Task<(int Rank, bool Empty)> RescueRankAsync(IReplayTarget target, CorrectionCase c, Func<string, string>? key, CancellationToken cancellationToken)
    {
        var response = await target.DiscoverAsync(new DiscoverRequest
        {
            UserId = c.UserId,
            Stage = Stage.Browsing,
            Scene = Scene.SearchResult,
            Context = new PageContext { Query = c.Typed },
            ResultCount = 0,
            Limit = 10,
            Sections = { SectionKind.Alternatives },
        }, cancellationToken);
        var items = response.Sections.FirstOrDefault()?.Items.Select(static i => i.Text).ToList() ?? [];
        return (items.FindIndex(t => Same(t, c.Intended, key)), items.Count == 0);
    }

    /// <summary>
    /// The same query: equal once normalized, or the same near-duplicate by <paramref name="key"/> (the service folds
    /// those into one; the text-only key when null).
    /// </summary>
    public static bool Same(string shown, string intended, Func<string, string>? key = null)
    {
        key ??= NearDuplicates.Key;
        string a = QueryNormalizer.Normalize(shown), b = QueryNormalizer.Normalize(intended);
        return string.Equals(a, b, StringComparison.Ordinal) || string.Equals(key(a), key(b), StringComparison.Ordinal);
    }

    private static T Of<T>(SortedDictionary<string, T> map, string key, Func<string, T> create)
    {
        if (!map.TryGetValue(key, out var value))
        {
            map[key] = value = create(key);
        }

        return value;
    }

    public static void Print(CliContext context, Result result)
    {
        var table = new Table().Title("Correct: precision and recall per kind of case")
            .AddColumns("kind", "cases", "answered", "right", "precision", "recall", "rewrites", "rewrite precision");
        foreach (var m in result.Kinds)
        {
            table.AddRow(m.Name, BuildCommand.N(m.Cases), BuildCommand.N(m.Answered), BuildCommand.N(m.Right), Percent(m.Precision), Percent(m.Recall), BuildCommand.N(m.Rewrites), Percent(m.RewritePrecision));
        }

        context.Console.Write(table);
        var n = result.Negatives;
        context.Console.WriteLine($"intended queries asked themselves: {BuildCommand.N(n.Cases)}, corrected (wrongly) {BuildCommand.N(n.Answered)} ({Percent(n.Cases == 0 ? 0 : (double)n.Answered / n.Cases)}), rewritten {BuildCommand.N(n.Rewrites)}.");
        var rescue = new Table().Title("ALTERNATIVES on zero-result cases: the intended query shown")
            .AddColumns("kind", "cases", "in first 3", "in first 10", "empty");
        foreach (var m in result.Rescue)
        {
            rescue.AddRow(m.Name, BuildCommand.N(m.Cases), Percent(m.HitRate3), Percent(m.HitRate10), BuildCommand.N(m.Empty));
        }

        context.Console.Write(rescue);
    }

    public static string ToJson(Result result, IReadOnlyDictionary<string, string> facts) => JsonSerializer.Serialize(
        new
        {
            facts,
            kinds = result.Kinds.Append(result.Negatives).Select(static m => new
            {
                name = m.Name, cases = m.Cases, answered = m.Answered, right = m.Right, precision = m.Precision, recall = m.Recall,
                rewrites = m.Rewrites, rewritePrecision = m.RewritePrecision,
            }),
            rescue = result.Rescue.Select(static m => new { name = m.Name, cases = m.Cases, hits3 = m.Hits3, hits10 = m.Hits10, hitRate3 = m.HitRate3, hitRate10 = m.HitRate10, empty = m.Empty }),
        },
        new JsonSerializerOptions { WriteIndented = true });

    private static string Percent(double value) => (100 * value).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
