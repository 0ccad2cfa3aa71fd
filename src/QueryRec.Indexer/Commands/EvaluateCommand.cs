using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Evaluate;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.Embedded;
using QueryRec.Storage.V1;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>evaluate</c>: a time-split replay (docs/ranking.md, "Evaluation"). Static MPC mode: the index is built in
/// process from the events before the split (default build options) and frozen; every search event at or after
/// the split is a test query, scored on the prefix-table node of each of its prefixes with <see cref="ReplayMetrics"/>.
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
        var command = new Command("evaluate", "Time-split replay: build before the split, score MRR@10, success@1/5/10 and pSaved per prefix length after it (static MPC).")
        {
            input, split, maxPrefix, savedTopK, json,
        };
        command.SetAction((r, ct) => RunAsync(
            context,
            r.GetRequiredValue(input),
            r.GetRequiredValue(split),
            r.GetValue(maxPrefix),
            r.GetValue(savedTopK),
            r.GetValue(json),
            ct));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string input, string splitText, int maxPrefix, int savedTopK, string? jsonPath, CancellationToken cancellationToken)
    {
        if (!DateTimeOffset.TryParse(splitText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var split))
        {
            throw new CliUserException($"--split '{splitText}' is not a date and time.");
        }

        if (maxPrefix is < 1 or > 32 || savedTopK is < 1 or > ReplayMetrics.Depth)
        {
            throw new CliUserException($"--max-prefix must be from 1 to 32 and --psaved-top from 1 to {ReplayMetrics.Depth}.");
        }

        if (!File.Exists(input))
        {
            throw new CliUserException($"input file not found: {input}");
        }

        var started = context.Time.GetTimestamp();
        long badLines = 0;
        long trainEvents = 0;
        var tests = new List<string>();
        var train = new List<LogEvent>();
        foreach (var e in JsonlEventFormat.ReadFile(input, _ => badLines++))
        {
            if (e.Time < split)
            {
                train.Add(e);
                trainEvents++;
            }
            else if (e.Type == LogEventType.Search && QueryNormalizer.Normalize(e.Query) is { Length: > 0 } q)
            {
                tests.Add(q);
            }
        }

        if (trainEvents == 0 || tests.Count == 0)
        {
            throw new CliUserException($"the split {split:O} leaves {trainEvents} events before it and {tests.Count} test searches after it; both must be non-empty.");
        }

        var built = IndexBuilder.Build(train, new BuildOptions(), context.Time);
        train.Clear();
        var store = new EmbeddedIndexStore(1, context.Time);
        await store.PublishAsync(built.Build, cancellationToken: cancellationToken);
        var snapshot = store.OpenSnapshot(built.Build.Version);
        var info = await snapshot.GetInfoAsync(cancellationToken) ?? new IndexInfo();
        var indexed = info.MaxPrefixLength > 0 ? info.MaxPrefixLength : new BuildOptions().MaxPrefixLength;
        var nodes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var cases = new List<ReplayCase>(tests.Count);
        foreach (var q in tests)
        {
            var n = Math.Min(maxPrefix, ReplayMetrics.RuneCount(q));
            var shown = new IReadOnlyList<string>[n];
            for (var length = 1; length <= n; length++)
            {
                var key = QueryNormalizer.TruncateRunes(QueryNormalizer.TruncateRunes(q, length), indexed);
                if (!nodes.TryGetValue(key, out var list))
                {
                    var node = await CompletionNodes.ReadNodeAsync(snapshot, CompletionTable.Prefix, key, info, cancellationToken);
                    list = node is null ? [] : node.Completions.Take(ReplayMetrics.Depth).Select(c => c.Text).ToArray();
                    nodes[key] = list;
                }

                shown[length - 1] = list;
            }

            cases.Add(new ReplayCase(q, shown));
        }

        var result = ReplayMetrics.Compute(cases, maxPrefix, savedTopK);
        var elapsed = context.Time.GetElapsedTime(started);
        Print(context, result);
        context.Summary("evaluate (static MPC)", [
            ("events before split", BuildCommand.N(trainEvents)),
            ("test searches", BuildCommand.N(tests.Count)),
            ("queries kept in index", BuildCommand.N(built.Summary.QueriesKept)),
            ("bad lines skipped", BuildCommand.N(badLines)),
            ($"pSaved (top {savedTopK})", F(result.PSaved)),
            ("time", elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s"),
        ]);
        if (jsonPath is not null)
        {
            var payload = new
            {
                mode = "static-mpc",
                split = split.ToString("O", CultureInfo.InvariantCulture),
                testQueries = "every search event at or after the split",
                eventsBeforeSplit = trainEvents,
                testSearches = tests.Count,
                queriesKept = built.Summary.QueriesKept,
                maxPrefix,
                pSavedTopK = savedTopK,
                pSaved = result.PSaved,
                overall = result.Overall,
                byPrefix = result.ByPrefix,
            };
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(payload, JsonOptions), cancellationToken);
        }

        return IndexerCli.ExitOk;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static void Print(CliContext context, ReplayResult result)
    {
        var table = new Table().Title("static MPC").AddColumns("prefix length", "cases", "MRR@10", "success@1", "success@5", "success@10");
        foreach (var row in result.ByPrefix.Append(result.Overall))
        {
            table.AddRow(
                row.PrefixLength == 0 ? "overall" : row.PrefixLength.ToString(CultureInfo.InvariantCulture),
                BuildCommand.N(row.Cases),
                F(row.Mrr10),
                F(row.Success1),
                F(row.Success5),
                F(row.Success10));
        }

        context.Console.Write(table);
    }

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);
}
