using System.CommandLine;
using System.Globalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Commands;

/// <summary><c>import</c>: converts a log (JSONL, AOL TSV, Best Buy CSV) to the generic JSONL events.</summary>
internal sealed class ImportCommand
{
    /// <summary>How many bad lines are printed to standard error.</summary>
    public const int PrintedErrors = 20;

    public static Command Create(CliContext context)
    {
        var format = new Option<string>("--format") { Description = "Input format: jsonl, aol or bestbuy.", Required = true };
        format.AcceptOnlyFromAmong("jsonl", "aol", "bestbuy");
        var input = new Option<string>("--input") { Description = "The log file to import.", Required = true };
        var output = new Option<string>("--output") { Description = "The JSONL events file to write.", Required = true };
        var maxErrors = new Option<long?>("--max-errors") { Description = "Fail (exit 1, no output) when more than N lines are bad. Default: no limit." };
        var errorsFile = new Option<string?>("--errors-file") { Description = "Write every bad line (line number and reason) to this file." };
        var command = new Command("import", "Import a log file into the generic JSONL event format.") { format, input, output, maxErrors, errorsFile };
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(
            context,
            ParseFormat(parseResult.GetRequiredValue(format)),
            parseResult.GetRequiredValue(input),
            parseResult.GetRequiredValue(output),
            parseResult.GetValue(maxErrors),
            parseResult.GetValue(errorsFile),
            cancellationToken)));
        return command;
    }

    public static ImportFormat ParseFormat(string text) => text switch
    {
        "jsonl" => ImportFormat.Jsonl,
        "aol" => ImportFormat.Aol,
        "bestbuy" => ImportFormat.BestBuy,
        _ => throw new CliUserException($"unknown format '{text}' (expected jsonl, aol or bestbuy)."),
    };

    public static int Run(CliContext context, ImportFormat format, string input, string output, long? maxErrors, string? errorsFile, CancellationToken cancellationToken)
    {
        if (maxErrors is < 0)
        {
            throw new CliUserException($"--max-errors must be 0 or more (got {maxErrors}).");
        }

        if (!File.Exists(input))
        {
            throw new CliUserException($"input file not found: {input}");
        }

        var printed = 0;
        ImportResult result;
        try
        {
            result = context.WithProgress($"importing {Path.GetFileName(input)}", report => EventImporter.Import(
                format,
                input,
                output,
                maxErrors,
                errorsFile,
                error =>
                {
                    if (printed++ < PrintedErrors)
                    {
                        context.Error.WriteLine($"bad line {error.LineNumber}: {error.Reason}");
                    }
                },
                (done, total) => report(done, total),
                cancellationToken));
        }
        catch (InvalidDataException ex)
        {
            throw new CliUserException($"{input} is not a valid {format.ToString().ToLowerInvariant()} file: {IndexerCli.FirstLine(ex.Message)}");
        }

        if (result.BadLines > PrintedErrors)
        {
            context.Error.WriteLine($"… {result.BadLines - PrintedErrors} more bad lines" + (errorsFile is null ? " (use --errors-file to list them all)" : $" (all listed in {errorsFile})"));
        }

        context.Summary("import", [
            ("format", format.ToString().ToLowerInvariant()),
            ("input", input),
            ("records imported", result.RecordsImported.ToString("N0", CultureInfo.InvariantCulture)),
            ("events written", result.EventsWritten.ToString("N0", CultureInfo.InvariantCulture)),
            ("bad lines", result.BadLines.ToString("N0", CultureInfo.InvariantCulture)),
            ("output", result.Aborted ? "(not written)" : output),
        ]);
        if (result.Aborted)
        {
            context.Error.WriteLine($"error: more than {maxErrors} bad lines; nothing was written.");
            return IndexerCli.ExitUserError;
        }

        return IndexerCli.ExitOk;
    }
}
