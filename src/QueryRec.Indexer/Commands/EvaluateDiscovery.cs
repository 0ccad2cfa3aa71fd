using System.Globalization;
using System.Text.Json;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>evaluate --discovery</c> (docs/evaluation.md, "Discover"): the log replayed through the service as for Suggest
/// (warmup reported, then every event in order), and at each test search that follows the same user's previous search
/// within the visit gap (<see cref="DiscoveryPairs"/>), before it is reported, Discover is asked as that user's result
/// page of the previous query would ask it: BROWSING with the previous query (and the item clicked since) for RELATED,
/// REFINE and CLICK_BACK; BEFORE_SEARCH without a query for PERSONAL and HOT (the baseline: the plain hot list).
/// </summary>
internal static class EvaluateDiscovery
{
    public const string Related = "RELATED", Refine = "REFINE", ClickBack = "CLICK_BACK", Personal = "PERSONAL", Union = "RELATED ∪ REFINE", Hot = "HOT (baseline)";

    /// <summary>The Discover limit asked: the deepest cut scored.</summary>
    public const int Depth = 10;

    /// <summary>Runs the Discover evaluation on the index built before the split: in process, or through <paramref name="server"/>.</summary>
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
        var replay = new StreamingReplayOptions(split) { WarmupFrom = warmup > TimeSpan.Zero ? split - warmup : null, MaxPrefix = 0 };
        var columns = await PreSplitTarget.RunAsync(
            context,
            args,
            built,
            server,
            replay,
            settings,
            (target, indexPath) =>
            {
                var known = EvalVocabulary.Read(indexPath).Select(static v => v.Text).ToHashSet(StringComparer.Ordinal);
                return ReplayAsync(context, target, events, replay, known, cancellationToken);
            },
            cancellationToken);

        Print(context, columns);
        var facts = PreSplitTarget.Facts(server, split, warmup);
        facts["gap"] = DiscoveryPairs.DefaultGap.ToString("c", CultureInfo.InvariantCulture);
        return await PreSplitTarget.FinishAsync(context, "evaluate --discovery", facts, built, started, args.JsonPath, f => ToJson(columns, f), cancellationToken);
    }

    public static async Task<List<DiscoveryColumn>> ReplayAsync(
        CliContext context,
        IReplayTarget target,
        IReadOnlyList<LogEvent> events,
        StreamingReplayOptions replay,
        IReadOnlySet<string> known,
        CancellationToken cancellationToken)
    {
        var pairs = DiscoveryPairs.Of(events, replay.TestFrom, DiscoveryPairs.DefaultGap);
        var columns = new[] { Related, Refine, ClickBack, Personal, Union, Hot }.ToDictionary(static n => n, static n => new DiscoveryMetrics(n), StringComparer.Ordinal);
        using var progress = context.Progress("evaluate: discovery", pairs.Count, "next-query cases");
        await StreamingReplay.RunAsync(
            events,
            target,
            replay with { MaxPrefix = 0 },
            static (_, _, _, _) => ValueTask.CompletedTask,
            cancellationToken,
            onTestSearch: async (e, _) =>
            {
                if (!pairs.TryGetValue(e, out var pair))
                {
                    return;
                }

                var browsing = await target.DiscoverAsync(DiscoveryPairs.Request(pair, Stage.Browsing, Depth, SectionKind.Related, SectionKind.Refine, SectionKind.ClickBack), cancellationToken);
                var before = await target.DiscoverAsync(DiscoveryPairs.Request(pair, Stage.BeforeSearch, Depth, SectionKind.Personal, SectionKind.Hot), cancellationToken);
                var isKnown = known.Contains(pair.Query);
                string[] related = Shown(browsing, SectionKind.Related), refine = Shown(browsing, SectionKind.Refine);
                columns[Related].Add(pair.Next, isKnown, related);
                columns[Refine].Add(pair.Next, isKnown, refine);
                columns[ClickBack].Add(pair.Next, isKnown, Shown(browsing, SectionKind.ClickBack));
                columns[Personal].Add(pair.Next, isKnown, Shown(before, SectionKind.Personal));
                columns[Union].Add(pair.Next, isKnown, related, refine);
                columns[Hot].Add(pair.Next, isKnown, Shown(before, SectionKind.Hot));
                progress.Add();
            });
        return [.. columns.Values.Select(static c => c.Result())];
    }

    public static void Print(CliContext context, IReadOnlyList<DiscoveryColumn> columns)
    {
        var hot = columns.FirstOrDefault(static c => c.Name == Hot);
        var table = new Table().Title("Discover: next query of the same user within 30 min shown (hit rate @k over all cases)")
            .AddColumns("section", "cases", "hit@5", "hit@10", "vs hot @10", "non-empty", "coverage (known)");
        foreach (var c in columns)
        {
            table.AddRow(
                c.Name,
                BuildCommand.N(c.Pairs),
                EvaluateTables.Percent(c.HitRate5),
                EvaluateTables.Percent(c.HitRate10),
                hot is null || hot.HitRate10 == 0 ? "-" : (c.HitRate10 / hot.HitRate10).ToString("0.00×", CultureInfo.InvariantCulture),
                EvaluateTables.Percent(c.Pairs == 0 ? 0 : (double)c.NonEmpty / c.Pairs),
                $"{EvaluateTables.Percent(c.Coverage)} of {BuildCommand.N(c.Known)}");
        }

        context.Console.Write(table);
        context.Console.WriteLine("coverage: share of the cases whose context query the index knows that the section answered; a union hits when either section's top k holds the next query.");
    }

    public static string ToJson(IReadOnlyList<DiscoveryColumn> columns, IReadOnlyDictionary<string, string> facts) => JsonSerializer.Serialize(
        new
        {
            facts,
            columns = columns.Select(static c => new
            {
                name = c.Name,
                cases = c.Pairs,
                hits5 = c.Hits5,
                hits10 = c.Hits10,
                hitRate5 = c.HitRate5,
                hitRate10 = c.HitRate10,
                nonEmpty = c.NonEmpty,
                known = c.Known,
                knownNonEmpty = c.KnownNonEmpty,
                coverage = c.Coverage,
            }),
        },
        new JsonSerializerOptions { WriteIndented = true });

    private static string[] Shown(DiscoverResponse response, SectionKind kind)
        => response.Sections.FirstOrDefault(s => s.Kind == kind)?.Items.Select(static i => i.Text).ToArray() ?? [];
}
