using QueryRec.Core;

namespace QueryRec.Indexer.Build;

/// <summary>Options of <see cref="IndexBuilder"/>.</summary>
public sealed record BuildOptions
{
    /// <summary>Largest accepted <see cref="TopK"/>.</summary>
    public const int MaxTopK = 1000;

    /// <summary>Minimum number of searches of a query to keep it.</summary>
    public int MinCount { get; init; } = 2;

    /// <summary>Minimum number of distinct users who searched a query to keep it.</summary>
    public int MinUsers { get; init; } = 1;

    /// <summary>Completions kept per prefix node.</summary>
    public int TopK { get; init; } = 10;

    /// <summary>Longest indexed prefix, in runes.</summary>
    public int MaxPrefixLength { get; init; } = 32;

    /// <summary>The version id, or null to derive it from the build time and the content checksum.</summary>
    public string? Version { get; init; }

    /// <summary>Free text stored in the manifest description, e.g. the input file.</summary>
    public string? Source { get; init; }

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MinCount < 1)
        {
            problems.Add($"--min-count must be at least 1 (got {MinCount}).");
        }

        if (MinUsers < 1)
        {
            problems.Add($"--min-users must be at least 1 (got {MinUsers}).");
        }

        if (TopK is < 1 or > MaxTopK)
        {
            problems.Add($"--top-k must be between 1 and {MaxTopK} (got {TopK}).");
        }

        if (MaxPrefixLength is < 1 or > Limits.MaxPrefixLength)
        {
            problems.Add($"--max-prefix-length must be between 1 and {Limits.MaxPrefixLength} (got {MaxPrefixLength}).");
        }

        if (Version is not null)
        {
            try
            {
                Storage.IndexBuild.ValidateVersion(Version);
            }
            catch (ArgumentException ex)
            {
                problems.Add(ex.Message.Split(" (Parameter", 2)[0]);
            }
        }

        return problems;
    }
}
