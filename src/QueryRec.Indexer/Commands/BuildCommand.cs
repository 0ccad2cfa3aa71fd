using System.CommandLine;
using System.Globalization;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Import;
using QueryRec.Storage;

namespace QueryRec.Indexer.Commands;

/// <summary><c>build</c>: builds the embedded index file from JSONL events.</summary>
internal sealed class BuildCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new BuildOptions();
        var input = new Option<string>("--input") { Description = "The JSONL events file.", Required = true };
        var output = new Option<string>("--output") { Description = "The index file (.qrx) to write.", Required = true };
        var minCount = new Option<int>("--min-count") { Description = "Minimum searches of a query.", DefaultValueFactory = _ => defaults.MinCount };
        var minUsers = new Option<int>("--min-users") { Description = "Minimum distinct users of a query.", DefaultValueFactory = _ => defaults.MinUsers };
        var topK = new Option<int>("--top-k") { Description = "Completions per prefix.", DefaultValueFactory = _ => defaults.TopK };
        var maxPrefix = new Option<int>("--max-prefix-length") { Description = "Longest indexed prefix, in characters (runes).", DefaultValueFactory = _ => defaults.MaxPrefixLength };
        var version = new Option<string?>("--version") { Description = "The version id (default: build time and checksum)." };
        var command = new Command("build", "Build an index file from JSONL events.") { input, output, minCount, minUsers, topK, maxPrefix, version };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(
            context,
            parseResult.GetRequiredValue(input),
            parseResult.GetRequiredValue(output),
            new BuildOptions
            {
                MinCount = parseResult.GetValue(minCount),
                MinUsers = parseResult.GetValue(minUsers),
                TopK = parseResult.GetValue(topK),
                MaxPrefixLength = parseResult.GetValue(maxPrefix),
                Version = parseResult.GetValue(version),
                Source = Path.GetFileName(parseResult.GetRequiredValue(input)),
            },
            cancellationToken)));
        return command;
    }

    public static int Run(CliContext context, string input, string output, BuildOptions options, CancellationToken cancellationToken)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new CliUserException(string.Join(" ", problems));
        }

        if (!File.Exists(input))
        {
            throw new CliUserException($"input file not found: {input}");
        }

        long badLines = 0;
        var inputSize = new FileInfo(input).Length;
        var result = context.WithProgress("building index", report =>
        {
            using var stream = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new StreamReader(stream);
            long n = 0;
            IEnumerable<LogEvent> Events()
            {
                foreach (var item in JsonlEventFormat.Read(reader))
                {
                    if (item.Error is { } error)
                    {
                        if (badLines++ < ImportCommand.PrintedErrors)
                        {
                            context.Error.WriteLine($"bad line {error.LineNumber}: {error.Reason}");
                        }

                        continue;
                    }

                    if ((++n & 0xFFF) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        report(stream.Position, inputSize);
                    }

                    yield return item.Event!;
                }
            }

            return IndexBuilder.Build(Events(), options, context.Time);
        });

        cancellationToken.ThrowIfCancellationRequested();
        IndexFile.WriteFile(result.Build, output);
        var s = result.Summary;
        context.Summary("build", [
            ("events read", N(s.EventsRead)),
            ("bad lines", N(badLines)),
            ("search events", N(s.SearchEvents)),
            ("click events", N(s.ClickEvents)),
            ("empty queries", N(s.EmptyQueries)),
            ("queries seen", N(s.QueriesSeen)),
            ($"removed by min-count ({options.MinCount})", N(s.RemovedByMinCount)),
            ($"removed by min-users ({options.MinUsers})", N(s.RemovedByMinUsers)),
            ("queries kept", N(s.QueriesKept)),
            ("prefix nodes", N(s.PrefixNodes)),
            ("records", N(s.TotalRecords)),
            ("version", s.Version),
            ("checksum", s.Checksum.ToString("x16", CultureInfo.InvariantCulture)),
            ("output", output),
        ]);
        return IndexerCli.ExitOk;
    }

    internal static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
