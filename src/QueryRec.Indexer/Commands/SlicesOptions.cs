using System.CommandLine;

namespace QueryRec.Indexer.Commands;

/// <summary>The options of <c>assemble</c> and <c>publish</c> that read the slices of a partitioned build.</summary>
internal static class SlicesOptions
{
    /// <summary>The longest accepted <c>--wait</c>.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    public static Option<string> Directory() => new("--slices")
    {
        Description = "A directory holding the N slice files (*.qrx) of one partitioned build (build --partition I/N), and nothing else.",
    };

    public static Option<TimeSpan> Wait() => new("--wait")
    {
        Description = "Wait this long (e.g. 02:00:00) for missing slices to appear, as a publish Job started beside the build Job does; a bad slice is refused at once.",
        DefaultValueFactory = _ => TimeSpan.Zero,
    };

    /// <exception cref="CliUserException">Negative or longer than a day.</exception>
    public static void ValidateWait(TimeSpan wait)
    {
        if (wait < TimeSpan.Zero || wait > MaxWait)
        {
            throw new CliUserException($"--wait must be between 00:00:00 and {MaxWait} (got {wait}).");
        }
    }
}
