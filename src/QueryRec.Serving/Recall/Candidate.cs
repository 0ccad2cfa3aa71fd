using QueryRec.Contracts.V1;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

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

    /// <summary>How the input matched the candidate; after a merge, the match of the best tier.</summary>
    public MatchKind MatchType { get; set; } = MatchKind.Prefix;

    /// <summary>Edits between the input and the matched text (typo tolerance), 0 for every other match type.</summary>
    public int EditDistance { get; set; }

    /// <summary>The candidate's strength in the q2q lists of the caller's recent queries, [0, 1] (<see cref="Ranking.SessionSignals"/>).</summary>
    public double Q2qStrength { get; set; }

    /// <summary>The candidate's strength in the i2q lists of the caller's recently viewed items, [0, 1].</summary>
    public double I2qStrength { get; set; }

    /// <summary>The caller's affinity for the candidate's top categories, [0, 1].</summary>
    public double CategoryAffinity { get; set; }

    /// <summary>The query's click-through rate from the index, [0, 1]; 0 when not in the index or no clicks.</summary>
    public double Ctr { get; set; }

    /// <summary>The query's conversion rate (orders per search) from the index, [0, 1].</summary>
    public double Cvr { get; set; }

    /// <summary>The GMV attributed to the query in the index, whole currency units.</summary>
    public double Gmv { get; set; }

    /// <summary>Copies the business outcomes a completion carries (<see cref="CompletionOutcomes"/>).</summary>
    public void SetOutcomes(Completion completion)
    {
        Ctr = CompletionOutcomes.Ctr(completion);
        Cvr = CompletionOutcomes.Cvr(completion);
        Gmv = completion.Gmv;
    }

    /// <summary>The candidate's match tier: exact matches rank above infix ones, which rank above fuzzy ones.</summary>
    public MatchTier Tier => MatchTiers.Of(MatchType);

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
        Q2qStrength = Math.Max(Q2qStrength, other.Q2qStrength);
        I2qStrength = Math.Max(I2qStrength, other.I2qStrength);
        CategoryAffinity = Math.Max(CategoryAffinity, other.CategoryAffinity);
        Ctr = Math.Max(Ctr, other.Ctr);
        Cvr = Math.Max(Cvr, other.Cvr);
        Gmv = Math.Max(Gmv, other.Gmv);

        // A candidate recalled by several matchers takes its best tier (and the fewest edits).
        if (MatchTiers.Of(other.MatchType) < Tier
            || (MatchTiers.Of(other.MatchType) == Tier && other.EditDistance < EditDistance))
        {
            MatchType = other.MatchType;
            EditDistance = other.EditDistance;
        }
    }
}

/// <summary>How the typed input matched a candidate (a ranking feature; the learned ranker reads it too).</summary>
internal enum MatchKind
{
    /// <summary>The text starts with the input (prefix table, the user's history, trending queries).</summary>
    Prefix,

    /// <summary>The text's full pinyin starts with the Latin input ("lian" → 连衣裙).</summary>
    PinyinFull,

    /// <summary>The text's pinyin initials start with the Latin input ("lyq" → 连衣裙).</summary>
    PinyinInitials,

    /// <summary>Hanzi head then pinyin tail ("连yi" → 连衣裙).</summary>
    PinyinMixed,

    /// <summary>The input starts a later word of the text ("dress" → "red dress").</summary>
    Infix,

    /// <summary>Every part of the input is in the text, in another order ("长款连衣" → 连衣裙长款).</summary>
    AnyOrderInfix,

    /// <summary>Same pinyin, other hanzi: a homophone typo ("连衣群" → 连衣裙).</summary>
    Homophone,

    /// <summary>Within the edit bound of a vocabulary prefix (typo tolerance).</summary>
    Fuzzy,
}

/// <summary>Ranking tiers: no candidate of a later tier ranks above one of an earlier tier.</summary>
internal enum MatchTier
{
    /// <summary>Prefix, pinyin full, initials and mixed, history, trending.</summary>
    Exact,

    /// <summary>Word-start and any-order infix.</summary>
    Infix,

    /// <summary>Typo tolerance and homophone correction.</summary>
    Fuzzy,
}

/// <summary>Maps match types to tiers.</summary>
internal static class MatchTiers
{
    public static MatchTier Of(MatchKind type) => type switch
    {
        MatchKind.Infix or MatchKind.AnyOrderInfix => MatchTier.Infix,
        MatchKind.Homophone or MatchKind.Fuzzy => MatchTier.Fuzzy,
        _ => MatchTier.Exact,
    };
}
