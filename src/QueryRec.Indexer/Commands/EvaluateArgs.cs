using QueryRec.Indexer.Evaluate;

namespace QueryRec.Indexer.Commands;

/// <summary>The arguments of <c>evaluate</c>.</summary>
/// <param name="Input">The JSONL events file.</param>
/// <param name="Split">The split time, as typed.</param>
internal sealed record EvaluateArgs(string Input, string Split)
{
    public int MaxPrefix { get; init; } = 10;

    public int SavedTopK { get; init; } = 1;

    public string? JsonPath { get; init; }

    public EvaluateMode Mode { get; init; } = EvaluateMode.All;

    public string? ModelPath { get; init; }

    public string Warmup { get; init; } = "7d";

    public string? SettingsFile { get; init; }

    public IReadOnlyList<string> Set { get; init; } = [];

    /// <summary>The streaming columns' index rebuild span ("1d"; "0": never).</summary>
    public string RebuildEvery { get; init; } = "0";

    /// <summary>Adds the <see cref="ReplayCeilings"/> columns.</summary>
    public bool Ceilings { get; init; }

    /// <summary>A running server (http:// or https://) replayed through instead of the in-process service, as typed.</summary>
    public string? Server { get; init; }

    /// <summary>Measures Discover (<see cref="EvaluateDiscovery"/>) instead of Suggest.</summary>
    public bool Discovery { get; init; }

    /// <summary>Measures GetPushQueries (<see cref="EvaluatePush"/>) instead of Suggest.</summary>
    public bool Push { get; init; }

    /// <summary>Measures Correct and the ALTERNATIVES section (<see cref="EvaluateCorrection"/>) instead of Suggest.</summary>
    public bool Correction { get; init; }

    /// <summary>The simulator's typo truth (<c>simulate --truth</c>) for <see cref="Correction"/>; else held-out mined pairs.</summary>
    public string? TruthPath { get; init; }

    /// <summary>Where to write the index built from the events before the split (the one a server must serve for <see cref="Server"/>).</summary>
    public string? WriteIndex { get; init; }
}
