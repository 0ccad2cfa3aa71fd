using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Strategies;

/// <summary>A Discover strategy: the sections it offers (kind → title and plan) and those shown when none are asked for.</summary>
internal sealed class DiscoverStrategy(string name, IReadOnlyList<(SectionKind Kind, string Title, RecallPlan Plan)> sections) : IStrategy
{
    public string Name { get; } = name;

    /// <summary>The sections in display order; all are shown when the request selects none.</summary>
    public IReadOnlyList<(SectionKind Kind, string Title, RecallPlan Plan)> Sections { get; } = sections;

    public bool Offers(SectionKind kind) => Sections.Any(s => s.Kind == kind);

    /// <summary>
    /// The sections shown when the request names none: all of the stage's, except ALTERNATIVES unless the search of
    /// the page's query is known to have found nothing.
    /// </summary>
    public IEnumerable<(SectionKind Kind, string Title, RecallPlan Plan)> Defaults(bool zeroResults)
        => Sections.Where(s => zeroResults || s.Kind != SectionKind.Alternatives);
}
