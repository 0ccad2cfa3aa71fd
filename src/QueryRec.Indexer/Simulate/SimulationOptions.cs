namespace QueryRec.Indexer.Simulate;

/// <summary>Options of <see cref="LogSimulator"/>.</summary>
public sealed record SimulationOptions
{
    /// <summary>The random seed; the same seed gives the same log.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Number of users.</summary>
    public int Users { get; init; } = 500;

    /// <summary>Number of days the log covers.</summary>
    public int Days { get; init; } = 7;

    /// <summary>Average number of sessions per user over the whole period.</summary>
    public int SessionsPerUser { get; init; } = 4;

    /// <summary>The first day of the log (UTC midnight). Fixed so that the output does not depend on the clock.</summary>
    public DateTimeOffset Start { get; init; } = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Returns every problem with these options (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Users is < 1 or > 10_000_000)
        {
            problems.Add($"--users must be between 1 and 10000000 (got {Users}).");
        }

        if (Days is < 1 or > 3650)
        {
            problems.Add($"--days must be between 1 and 3650 (got {Days}).");
        }

        if (SessionsPerUser is < 1 or > 1000)
        {
            problems.Add($"--sessions-per-user must be between 1 and 1000 (got {SessionsPerUser}).");
        }

        return problems;
    }
}
