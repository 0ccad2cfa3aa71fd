using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using QueryRec.Contracts.V1;
using QueryRec.Indexer.Evaluate;
using Spectre.Console;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>eval-matching</c>: the matching measurements of docs/matching.md. <c>vocabulary</c> lists an index's queries
/// (input of the independent pinyin reference), <c>cases</c> generates pinyin or typo cases, and <c>run</c> replays
/// cases against a running server and prints success@1, success@10 and MRR@10 per group; <c>lists</c> writes the
/// top 10 of given prefixes (the misspelling measurement).
/// </summary>
internal static class EvalMatchingCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("eval-matching", "Measure pinyin and typo matching against a running server.");
        command.Subcommands.Add(CreateVocabulary(context));
        command.Subcommands.Add(CreateCases(context));
        command.Subcommands.Add(CreateRun(context));
        command.Subcommands.Add(EvalMatchingLists.Create(context));
        return command;
    }

    private static Command CreateVocabulary(CliContext context)
    {
        var index = new Option<FileInfo>("--index") { Description = "A built index file (.qrx).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the normalized queries, one per line.", Required = true };
        var counts = new Option<bool>("--counts") { Description = "Write 'query<TAB>searches' lines." };
        var keys = new Option<bool>("--keys") { Description = "Add the query's collapse key in the index (spacing folds included) as the last column." };
        var command = new Command("vocabulary", "Write an index's queries, most popular first.") { index, output, counts, keys };
        command.SetAction(parseResult =>
        {
            var vocabulary = ReadVocabulary(parseResult.GetRequiredValue(index));
            var withCounts = parseResult.GetValue(counts);
            var nearKeys = parseResult.GetValue(keys) ? EvalNearKeys.Of(QueryRec.Storage.IndexFile.ReadFile(parseResult.GetRequiredValue(index).FullName)) : null;
            File.WriteAllLines(parseResult.GetRequiredValue(output).FullName, vocabulary.Select(e =>
                (withCounts ? e.Text + "\t" + e.Count.ToString(CultureInfo.InvariantCulture) : e.Text) + (nearKeys is null ? string.Empty : "\t" + nearKeys.Key(e.Text))));
            context.Summary("eval-matching vocabulary", [("queries", vocabulary.Count.ToString("N0", CultureInfo.InvariantCulture))]);
            return IndexerCli.ExitOk;
        });
        return command;
    }

    private static Command CreateCases(CliContext context)
    {
        var kind = new Argument<string>("kind") { Description = "pinyin or typo." };
        kind.AcceptOnlyFromAmong("pinyin", "typo");
        var index = new Option<FileInfo>("--index") { Description = "A built index file (.qrx).", Required = true };
        var reference = new Option<FileInfo?>("--reference") { Description = "pinyin: the reference written by tools/eval/pinyin-reference.mjs." };
        var sample = new Option<int>("--sample") { Description = "How many queries to sample.", DefaultValueFactory = _ => 2000 };
        var seed = new Option<int>("--seed") { Description = "The sampling seed.", DefaultValueFactory = _ => 7 };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the cases (TSV).", Required = true };
        var command = new Command("cases", "Generate evaluation cases from an index's vocabulary.") { kind, index, reference, sample, seed, output };
        command.SetAction(parseResult =>
        {
            var n = parseResult.GetValue(sample);
            if (n is < 1 or > 1_000_000)
            {
                throw new CliUserException($"--sample must be between 1 and 1000000 (got {n}).");
            }

            var vocabulary = ReadVocabulary(parseResult.GetRequiredValue(index));
            var rows = new List<(string, string)>();
            List<EvalCase> cases;
            if (parseResult.GetRequiredValue(kind) == "pinyin")
            {
                var file = parseResult.GetValue(reference) ?? throw new CliUserException("cases pinyin needs --reference.");
                var (pinyinCases, ambiguous) = MatchingCases.Pinyin(vocabulary, ReadReference(file), n, parseResult.GetValue(seed));
                cases = pinyinCases;
                rows.AddRange(ambiguous.Select(p => ("ambiguous " + p.Key, p.Value.ToString(CultureInfo.InvariantCulture))));
            }
            else
            {
                cases = MatchingCases.Typos(vocabulary, n, parseResult.GetValue(seed));
            }

            File.WriteAllLines(parseResult.GetRequiredValue(output).FullName, cases.Select(static c => c.ToLine()));
            rows.InsertRange(0, cases.GroupBy(static c => c.Group).Select(g => ("cases " + g.Key, g.Count().ToString(CultureInfo.InvariantCulture))));
            context.Summary("eval-matching cases", rows);
            return IndexerCli.ExitOk;
        });
        return command;
    }

    private static Command CreateRun(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "The server address (http:// for plain HTTP/2).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var casesFile = new Option<FileInfo>("--cases") { Description = "Cases written by 'eval-matching cases'.", Required = true };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON." };
        var concurrency = new Option<int>("--concurrency") { Description = "Calls in flight.", DefaultValueFactory = _ => 4 };
        var misses = new Option<FileInfo?>("--misses") { Description = "Also write the missed cases with what was shown instead (TSV, at most 500 per group)." };
        var command = new Command("run", "Replay cases against Suggest and score them.") { server, casesFile, json, concurrency, misses };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var address = parseResult.GetRequiredValue(server);
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliUserException($"--server '{address}' is not an http:// or https:// address.");
            }

            var parallel = parseResult.GetValue(concurrency);
            if (parallel is < 1 or > 64)
            {
                throw new CliUserException($"--concurrency must be between 1 and 64 (got {parallel}).");
            }

            var cases = MatchingCases.WithLatinDigitPunctuationGroups(ReadCases(parseResult.GetRequiredValue(casesFile))).ToList();
            using var channel = GrpcChannel.ForAddress(uri);
            var client = new QueryRecService.QueryRecServiceClient(channel);
            List<GroupResult> results;
            try
            {
                results = await SuggestReplay.RunAsync(
                    cases,
                    (prefix, ct) => client.SuggestAsync(new SuggestRequest { Prefix = prefix, Limit = MatchingCases.TopN }, deadline: context.Time.GetUtcNow().UtcDateTime.AddSeconds(30), cancellationToken: ct).ResponseAsync,
                    parallel,
                    cancellationToken);
            }
            catch (RpcException ex)
            {
                await context.Error.WriteLineAsync($"failed: {ex.StatusCode}: {ex.Status.Detail}");
                return IndexerCli.ExitFailure;
            }

            var table = new Table().Title("eval-matching run")
                .AddColumns("group", "cases", "eligible", "success@1", "success@10", "MRR@10", "fuzzy above exact", "degraded");
            foreach (var r in results)
            {
                table.AddRow(
                    Markup.Escape(r.Group),
                    r.Cases.ToString(CultureInfo.InvariantCulture),
                    r.Eligible.ToString(CultureInfo.InvariantCulture),
                    r.SuccessAt1.ToString("P1", CultureInfo.InvariantCulture),
                    r.SuccessAt10.ToString("P1", CultureInfo.InvariantCulture),
                    r.Mrr.ToString("F3", CultureInfo.InvariantCulture),
                    r.FuzzyAboveExact.ToString(CultureInfo.InvariantCulture),
                    r.Degraded.ToString(CultureInfo.InvariantCulture));
            }

            context.Console.Write(table);
            if (parseResult.GetValue(misses) is { } missesFile)
            {
                await File.WriteAllLinesAsync(missesFile.FullName, results.SelectMany(static r => r.Misses), cancellationToken);
            }

            if (parseResult.GetValue(json) is { } jsonFile)
            {
                var payload = results.Select(static r => new
                {
                    group = r.Group,
                    cases = r.Cases,
                    eligible = r.Eligible,
                    success_at_1 = r.SuccessAt1,
                    success_at_10 = r.SuccessAt10,
                    mrr_at_10 = r.Mrr,
                    fuzzy_above_exact = r.FuzzyAboveExact,
                    degraded = r.Degraded,
                });
                await File.WriteAllTextAsync(jsonFile.FullName, JsonSerializer.Serialize(payload, JsonOptions), cancellationToken);
            }

            return IndexerCli.ExitOk;
        });
        return command;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static IReadOnlyList<VocabularyEntry> ReadVocabulary(FileInfo index)
        => index.Exists ? EvalVocabulary.Read(index.FullName) : throw new CliUserException($"--index '{index.FullName}' does not exist.");

    private static Dictionary<string, ReferencePinyin> ReadReference(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliUserException($"--reference '{file.FullName}' does not exist.");
        }

        var result = new Dictionary<string, ReferencePinyin>(StringComparer.Ordinal);
        var number = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            number++;
            try
            {
                if (ReferencePinyin.Parse(line, number) is { } r)
                {
                    result[r.Text] = r;
                }
            }
            catch (FormatException ex)
            {
                throw new CliUserException($"{file.Name}: {ex.Message}");
            }
        }

        return result;
    }

    private static List<EvalCase> ReadCases(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new CliUserException($"--cases '{file.FullName}' does not exist.");
        }

        var cases = new List<EvalCase>();
        var number = 0;
        foreach (var line in File.ReadLines(file.FullName))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                cases.Add(EvalCase.Parse(line, number));
            }
            catch (FormatException ex)
            {
                throw new CliUserException($"{file.Name}: {ex.Message}");
            }
        }

        return cases;
    }
}
