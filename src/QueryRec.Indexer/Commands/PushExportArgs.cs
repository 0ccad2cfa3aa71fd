namespace QueryRec.Indexer.Commands;

/// <summary>The arguments of <c>push-export</c>, as typed.</summary>
internal sealed record PushExportArgs(string AsOf, string ActiveWithin, string Output)
{
    public string? Index { get; init; }

    public string? Events { get; init; }

    public string? Redis { get; init; }

    public string KeyPrefix { get; init; } = "qr:";

    public int Limit { get; init; }

    public string? SettingsFile { get; init; }

    public IReadOnlyList<string> Set { get; init; } = [];
}
