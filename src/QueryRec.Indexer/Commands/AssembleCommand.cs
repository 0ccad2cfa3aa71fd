using System.CommandLine;
using System.Globalization;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Commands;

/// <summary><c>assemble</c>: makes one index file of the N slices of a partitioned build (<c>build --partition I/N</c>).</summary>
internal static class AssembleCommand
{
    public static Command Create(CliContext context)
    {
        var slices = SlicesOptions.Directory();
        var wait = SlicesOptions.Wait();
        var output = new Option<string>("--output") { Description = "The index file (.qrx) to write.", Required = true };
        var command = new Command("assemble", "Assemble the slices of a partitioned build into one index file (the file the unpartitioned build writes).") { slices, wait, output };
        command.SetAction((parseResult, cancellationToken) => RunAsync(context, parseResult.GetRequiredValue(slices), parseResult.GetValue(wait), parseResult.GetRequiredValue(output), cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(CliContext context, string directory, TimeSpan wait, string output, CancellationToken cancellationToken)
    {
        SlicesOptions.ValidateWait(wait);
        var set = await SliceDirectory.OpenAsync(context, directory, wait, cancellationToken);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        IndexManifest manifest;
        try
        {
            manifest = set.WriteFile(output, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new CliUserException(IndexerCli.FirstLine(ex.Message));
        }

        context.Summary("assemble", [
            ("slices", $"{set.Count} in {directory}"),
            ("build identity", set.BuildIdentity.ToString("x16", CultureInfo.InvariantCulture)),
            ("records", BuildCommand.N(manifest.TotalRecords)),
            ("version", manifest.Version),
            ("checksum", manifest.Checksum.ToString("x16", CultureInfo.InvariantCulture)),
            ("time (s)", stopwatch.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)),
            ("output", output),
        ]);
        return IndexerCli.ExitOk;
    }
}
