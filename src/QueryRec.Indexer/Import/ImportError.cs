namespace QueryRec.Indexer.Import;

/// <summary>A line (or CSV record) that could not be imported.</summary>
/// <param name="LineNumber">The 1-based line number in the input file where the record starts.</param>
/// <param name="Reason">Why it was refused, one line.</param>
public sealed record ImportError(long LineNumber, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"line {LineNumber}: {Reason}";
}

/// <summary>
/// One item read by an importer: either an event or an error, with the line it came from. A record that
/// yields several events (a search and its click) yields several items with the same line number.
/// </summary>
public readonly record struct ImportItem(long LineNumber, LogEvent? Event, ImportError? Error)
{
    /// <summary>An imported event.</summary>
    public static ImportItem Ok(long line, LogEvent e) => new(line, e, null);

    /// <summary>A refused line.</summary>
    public static ImportItem Bad(long line, string reason) => new(line, null, new ImportError(line, reason));
}
