using System.Globalization;
using QueryRec.Indexer.Evaluate;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The console tables of <c>evaluate</c>: MRR@10 per prefix length, overall and on the own-last-query rows, then the
/// overall figures, one column per ranker and state.
/// </summary>
internal static class EvaluateTables
{
    public static void Print(CliContext context, List<RankerRun> runs, int maxPrefix)
    {
        var byPrefix = new Table().Title("MRR@10 per prefix length (near-duplicate hits)").AddColumn("prefix length").AddColumn("cases");
        foreach (var run in runs)
        {
            byPrefix.AddColumn(run.Name);
        }

        for (var length = 1; length <= maxPrefix; length++)
        {
            var rows = runs.Select(r => r.Near.ByPrefix.FirstOrDefault(p => p.PrefixLength == length)).ToList();
            if (rows[0] is null)
            {
                continue;
            }

            byPrefix.AddRow([length.ToString(CultureInfo.InvariantCulture), BuildCommand.N(rows[0]!.Cases), .. rows.Select(static p => p is null ? "-" : F(p.Mrr10))]);
        }

        byPrefix.AddRow(["overall", BuildCommand.N(runs[0].Near.Overall.Cases), .. runs.Select(static r => F(r.Near.Overall.Mrr10))]);
        byPrefix.AddRow([$"own last query (L≥{OwnLastQuery.MinPrefix})", BuildCommand.N(runs[0].OwnLastQuery.Cases), .. runs.Select(static r => r.OwnLastQuery.Cases == 0 ? "-" : F(r.OwnLastQuery.Mrr10))]);
        context.Console.Write(byPrefix);
        context.Console.WriteLine("cold: nothing of the test period reported to the service (static MPC: the index frozen at the split); otherwise each test search is reported once its prefixes were asked (streaming MPC counts it).");
        context.Console.WriteLine($"own last query: the pairs from {OwnLastQuery.MinPrefix} runes of the test searches that repeat the user's own search of the {OwnLastQuery.Window.TotalHours:0} h before.");

        var baseline = runs[0].Near.Overall.Mrr10;
        var overall = new Table().Title("overall (near-duplicate hits; S@k = success@k; exact = MRR@10 on exact text; vs static = MRR@10 change)")
            .AddColumns("ranker", "MRR@10", "S@1", "S@5", "S@10", "pSaved", "exact", "own last", "vs static", "time");
        foreach (var run in runs)
        {
            var o = run.Near.Overall;
            overall.AddRow(
                run.Name,
                F(o.Mrr10),
                F(o.Success1),
                F(o.Success5),
                F(o.Success10),
                F(run.Near.PSaved),
                F(run.Exact.Overall.Mrr10),
                run.OwnLastQuery.Cases == 0 ? "-" : F(run.OwnLastQuery.Mrr10),
                baseline == 0 ? "-" : ((o.Mrr10 / baseline) - 1).ToString("+0.0%;-0.0%;0.0%", CultureInfo.InvariantCulture),
                Seconds(run.Elapsed.TotalSeconds));
        }

        context.Console.Write(overall);
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>A share as a percentage with one decimal: "12.3 %".</summary>
    public static string Percent(double share) => (100 * share).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    public static string Seconds(double seconds) => seconds.ToString("F2", CultureInfo.InvariantCulture) + " s";
}
