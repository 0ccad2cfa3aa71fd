using QueryRec.Contracts.V1;

namespace QueryRec.Serving.Recall;

/// <summary>
/// One recalled query on its way through merge, scoring and limit. Sources create candidates; the merge unions
/// candidates with the same normalized text (sources, features, the first non-empty category hint). A Suggest call's
/// candidates come from its <see cref="CandidateArena"/> and are reused by later calls (<see cref="Reuse"/>).
/// </summary>
internal sealed class Candidate(string text)
{
    /// <summary>The normalized query text: the dedupe key.</summary>
    public string Text { get; private set; } = text;

    /// <summary>The text shown to the user: the normalized query text.</summary>
    public string DisplayText { get; set; } = text;

    private SourceList _sources;

    /// <summary>The sources that recalled it, in recall order, without repeats.</summary>
    public SourceList Sources => _sources;

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

    /// <summary>What the index lists say of a RELATED or REFINE candidate (the Discover ranker's input); null elsewhere.</summary>
    public DiscoverySignals? Discovery { get; set; }

    /// <summary>The score given by the scorer.</summary>
    public double Score { get; set; }

    /// <summary>Makes this candidate what <c>new Candidate(text)</c> would be (every property at its initial value).</summary>
    internal void Reuse(string text)
    {
        Text = text;
        DisplayText = text;
        _sources = default;
        Reason = default;
        CategoryHint = string.Empty;
        TopCategories = [];
        CollapsedVariants = 0;
        ContextFill = false;
        Features.Reset();
        Discovery = null;
        Score = 0;
    }

    /// <summary>Adds a source once.</summary>
    public void AddSource(Source source) => _sources.Add(source);

    private static int Weight(Reason reason) => reason switch
    {
        Reason.Unspecified => 0,
        Reason.PinyinMatch or Reason.InfixMatch or Reason.TypoCorrected => 1,
        Reason.PopularCompletion => 2,
        _ => 3,
    };

    /// <summary>Folds another candidate for the same text into this one.</summary>
    public void Merge(Candidate other)
    {
        foreach (var source in other.Sources)
        {
            AddSource(source);
        }

        // The reason follows the best match tier: a completion that is also an exact prefix match is not "typo
        // corrected". Within a tier, a personal or trending reason says more than "popular", which says more than
        // how the input matched ("pinyin match" for a completion the prefix table found too).
        var otherTier = MatchTiers.Of(other.Features.MatchType);
        var tier = MatchTiers.Of(Features.MatchType);
        if (otherTier < tier || (otherTier == tier && Weight(other.Reason) > Weight(Reason)))
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
