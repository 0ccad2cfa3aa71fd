using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using QueryRec.Contracts.V1;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// <c>eval-matching lists</c>: asks a running server for the top 10 of each prefix of a file and writes them, one
/// line per prefix (<c>prefix&lt;TAB&gt;item&lt;TAB&gt;item…</c>), for an outside judge to score
/// (<c>tools/eval/misspellings.py</c>: misspellings shown beside a much more popular correct form).
/// </summary>
internal static class EvalMatchingLists
{
    public static Command Create(CliContext context)
    {
        var server = new Option<string>("--server") { Description = "The server address (http:// for plain HTTP/2).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var prefixes = new Option<FileInfo>("--prefixes") { Description = "Prefixes, one per line.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the lists (TSV).", Required = true };
        var concurrency = new Option<int>("--concurrency") { Description = "Calls in flight.", DefaultValueFactory = _ => 4 };
        var command = new Command("lists", "Write the top 10 that a running server shows for each prefix of a file.") { server, prefixes, output, concurrency };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var address = parseResult.GetRequiredValue(server);
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliUserException($"--server '{address}' is not an http:// or https:// address.");
            }

            var file = parseResult.GetRequiredValue(prefixes);
            if (!file.Exists)
            {
                throw new CliUserException($"--prefixes '{file.FullName}' does not exist.");
            }

            var parallel = parseResult.GetValue(concurrency);
            if (parallel is < 1 or > 64)
            {
                throw new CliUserException($"--concurrency must be between 1 and 64 (got {parallel}).");
            }

            var typed = File.ReadLines(file.FullName).Where(static l => l.Length > 0).ToList();
            var lines = new string[typed.Count];
            using var channel = GrpcChannel.ForAddress(uri);
            var client = new QueryRecService.QueryRecServiceClient(channel);
            try
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, typed.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
                {
                    var response = await client.SuggestAsync(new SuggestRequest { Prefix = typed[i], Limit = 10 }, deadline: context.Time.GetUtcNow().UtcDateTime.AddSeconds(30), cancellationToken: ct);
                    lines[i] = string.Join('\t', response.Items.Select(static item => item.Text).Prepend(typed[i]));
                });
            }
            catch (RpcException ex)
            {
                await context.Error.WriteLineAsync($"failed: {ex.StatusCode}: {ex.Status.Detail}");
                return IndexerCli.ExitFailure;
            }

            await File.WriteAllLinesAsync(parseResult.GetRequiredValue(output).FullName, lines, cancellationToken);
            context.Summary("eval-matching lists", [("prefixes", typed.Count.ToString("N0", CultureInfo.InvariantCulture))]);
            return IndexerCli.ExitOk;
        });
        return command;
    }
}
