using QueryRec.Contracts.V1;

namespace QueryRec.Api.Recall;

/// <summary>
/// One recalled query on its way through merge, scoring and limit. Sources create candidates; the merge unions
/// candidates with the same normalized text (sources, features, the first non-empty category hint).
/// </summary>
internal sealed class Candidate(string text)
{
    /// <summary>The normalized query text: the dedupe key.</summary>
    public string Text { get; } = text;

    /// <summary>The text shown to the user (today the normalized text).</summary>
    public string DisplayText { get; set; } = text;

    /// <summary>The sources that recalled it, in recall order, without repeats.</summary>
    public List<Source> Sources { get; } = new(2);

    /// <summary>Why it is shown; the reason of the strongest source wins (see <see cref="Merge"/>).</summary>
    public Reason Reason { get; set; }

    /// <summary>A category hint for the item, empty when unknown.</summary>
    public string CategoryHint { get; set; } = string.Empty;

    /// <summary>The query's most clicked categories, best first; empty when unknown.</summary>
    public IReadOnlyList<string> TopCategories { get; set; } = [];

    /// <summary>How many near-duplicate surface forms were folded into this candidate.</summary>
    public int CollapsedVariants { get; set; }

    /// <summary>True when the candidate is outside the request's category filters (kept only to fill or ranked down).</summary>
    public bool ContextFill { get; set; }

    /// <summary>The features the scorer reads.</summary>
    public CandidateFeatures Features { get; } = new();

    /// <summary>The score given by the scorer.</summary>
    public double Score { get; set; }

    /// <summary>Adds a source once.</summary>
    public void AddSource(Source source)
    {
        if (!Sources.Contains(source))
        {
            Sources.Add(source);
        }
    }

    /// <summary>Folds another candidate for the same text into this one.</summary>
    public void Merge(Candidate other)
    {
        foreach (var source in other.Sources)
        {
            AddSource(source);
        }

        // A personal reason says more than "popular"; "trending" says more than "popular" too.
        if (Reason is Reason.PopularCompletion or Reason.Unspecified && other.Reason is not Reason.Unspecified)
        {
            Reason = other.Reason;
        }

        if (CategoryHint.Length == 0)
        {
            CategoryHint = other.CategoryHint;
        }

        if (TopCategories.Count == 0)
        {
            TopCategories = other.TopCategories;
        }

        Features.Merge(other.Features);
    }
}

/// <summary>The per-candidate features of the heuristic scorer (and, later, of the ranking model).</summary>
internal sealed class CandidateFeatures
{
    /// <summary>The prefix-table completion score (popularity), 0 when not in the index.</summary>
    public double Popularity { get; set; }

    /// <summary>The highest completion score of the prefix node the candidate came from (normalizer).</summary>
    public double PopularityMax { get; set; }

    /// <summary>When the user last searched it, null when not in the user's history.</summary>
    public DateTimeOffset? LastSearched { get; set; }

    /// <summary>Submissions within the trending window, 0 when none.</summary>
    public long RecentCount { get; set; }

    /// <summary>Distinct submitters within the trending window.</summary>
    public long RecentDistinctUsers { get; set; }

    /// <summary>Takes the stronger value of each feature.</summary>
    public void Merge(CandidateFeatures other)
    {
        Popularity = Math.Max(Popularity, other.Popularity);
        PopularityMax = Math.Max(PopularityMax, other.PopularityMax);
        if (other.LastSearched is { } last && (LastSearched is null || last > LastSearched))
        {
            LastSearched = last;
        }

        RecentCount = Math.Max(RecentCount, other.RecentCount);
        RecentDistinctUsers = Math.Max(RecentDistinctUsers, other.RecentDistinctUsers);
    }
}
