using QueryRec.Storage;

namespace QueryRec.Indexer.Commands;

/// <summary>What <c>publish</c> reads: an index file (<c>--index</c>), or the slices of a partitioned build (<c>--slices</c>, <c>--wait</c>).</summary>
/// <param name="Index">The index file, or null.</param>
/// <param name="Slices">The slices directory, or null.</param>
/// <param name="Wait">How long to wait for missing slices.</param>
/// <param name="WaitGiven">Whether <c>--wait</c> was given (it goes with <c>--slices</c> only).</param>
internal sealed record PublishSource(string? Index, string? Slices, TimeSpan Wait, bool WaitGiven)
{
    /// <summary>How messages name the source.</summary>
    public string Name => Index ?? $"the slices in {Slices}";

    /// <summary>
    /// Opens the index for one streaming pass. Slices are waited for, then read and verified whole (all of them, before
    /// anything is written to Redis); the reader then gives the assembled index, merging them again.
    /// </summary>
    /// <exception cref="CliUserException">Not exactly one of --index and --slices; a missing, bad or inconsistent slice.</exception>
    public async Task<(IndexFileReader File, IndexSliceSet? Slices)> OpenAsync(CliContext context, CancellationToken cancellationToken)
    {
        if ((Index is null) == (Slices is null))
        {
            throw new CliUserException("give exactly one of --index FILE (an index file) or --slices DIR (the slices of a partitioned build).");
        }

        if (Index is not null)
        {
            if (WaitGiven)
            {
                throw new CliUserException("--wait goes with --slices (it waits for the slices of a partitioned build).");
            }

            return (IndexerCli.OpenIndexFile(Index), null);
        }

        SlicesOptions.ValidateWait(Wait);
        try
        {
            var set = await SliceDirectory.OpenAsync(context, Slices!, Wait, cancellationToken);
            var manifest = SliceDirectory.Assemble(set, cancellationToken);
            return (new IndexFileReader(set.OpenAssembled(manifest), Name), set);
        }
        catch (CliUserException ex)
        {
            throw new CliUserException(ex.Message + " Nothing was published; the active version is unchanged.");
        }
    }
}
