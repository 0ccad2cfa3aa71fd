using System.CommandLine;
using System.Globalization;
using QueryRec.Storage;

namespace QueryRec.Indexer.Commands;

/// <summary><c>build --partition I/N</c>: which slice of a partitioned build to write.</summary>
internal static class PartitionOption
{
    public static Option<string?> Create() => new("--partition")
    {
        Description = $"Write slice I of N (I/N: N from 1 to {IndexSlices.MaxCount}, I from 0 to N-1) of a partitioned build, e.g. one per machine or Kubernetes Job index; indexer assemble or publish --slices makes the index of the N slices.",
    };

    /// <summary>Parses "I/N"; null when not given.</summary>
    /// <exception cref="CliUserException">Not I/N with N from 1 to 64 and I from 0 to N-1.</exception>
    public static (int Index, int Count)? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var parts = value.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= IndexSlices.MaxCount
            && index < count)
        {
            return (index, count);
        }

        throw new CliUserException($"--partition must be I/N with N from 1 to {IndexSlices.MaxCount} and I from 0 to N-1 (got '{value}').");
    }
}
