using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Strategies;

/// <summary>A Discover strategy: the sections it offers (kind → title and plan) and those shown when none are asked for.</summary>
internal sealed class DiscoverStrategy(string name, IReadOnlyList<(SectionKind Kind, string Title, RecallPlan Plan)> sections) : IStrategy
{
    public string Name { get; } = name;

    /// <summary>The sections in display order; all are shown when the request selects none.</summary>
    public IReadOnlyList<(SectionKind Kind, string Title, RecallPlan Plan)> Sections { get; } = sections;

    public bool Offers(SectionKind kind) => Sections.Any(s => s.Kind == kind);
}
