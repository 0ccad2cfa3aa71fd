using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Commands;

/// <summary>
/// The slice files of a partitioned build in one directory (every <c>*.qrx</c> in it: one directory per build), for
/// <c>assemble</c> and <c>publish --slices</c>: opened and checked, waited for while some are missing, and verified
/// whole before anything is written. Every refusal is one line naming the slice.
/// </summary>
internal static class SliceDirectory
{
    /// <summary>How often a directory is listed again while slices are missing.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Opens the slices in <paramref name="directory"/>; while some are missing (or none is there yet), lists the
    /// directory again until <paramref name="wait"/> has passed. A slice that is not one of the same build is refused at
    /// once: waiting does not mend it. Slice files appear whole (the build writes a temporary file, then renames it).
    /// </summary>
    /// <exception cref="CliUserException">A slice is bad, or slices are still missing after the wait.</exception>
    public static async Task<IndexSliceSet> OpenAsync(CliContext context, string directory, TimeSpan wait, CancellationToken cancellationToken)
    {
        var start = context.Time.GetTimestamp();
        while (true)
        {
            var paths = Directory.Exists(directory)
                ? Directory.GetFiles(directory, "*.qrx").Where(static p => p.EndsWith(".qrx", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray()
                : [];
            IndexSliceSet? set = null;
            if (paths.Length > 0)
            {
                try
                {
                    set = IndexSliceSet.Open(paths);
                }
                catch (InvalidDataException ex)
                {
                    throw new CliUserException(IndexerCli.FirstLine(ex.Message));
                }

                if (set.Missing.Count == 0)
                {
                    return set;
                }
            }

            if (context.Time.GetElapsedTime(start) >= wait)
            {
                var waited = wait > TimeSpan.Zero ? $" after waiting {wait}" : string.Empty;
                throw new CliUserException(set is null
                    ? $"no slice files (*.qrx) in {directory}{waited}."
                    : $"{string.Join(", ", set.Missing.Select(i => IndexSlices.Name(i, set.Count)))} missing from {directory}{waited} (found {paths.Length} of {set.Count}).");
            }

            await Task.Delay(PollInterval, context.Time, cancellationToken);
        }
    }

    /// <summary>Reads and verifies every slice (<see cref="IndexSliceSet.Assemble"/>) and returns the assembled manifest.</summary>
    /// <exception cref="CliUserException">A slice is truncated or corrupted, or two slices hold the same key.</exception>
    public static IndexManifest Assemble(IndexSliceSet set, CancellationToken cancellationToken)
    {
        try
        {
            return set.Assemble(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new CliUserException(IndexerCli.FirstLine(ex.Message));
        }
    }
}
