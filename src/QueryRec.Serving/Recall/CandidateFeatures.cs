using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Recall;

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

    /// <summary>Sets every feature to its initial value (a reused candidate's, <see cref="Candidate.Reuse"/>).</summary>
    public void Reset()
    {
        Popularity = 0;
        PopularityMax = 0;
        LastSearched = null;
        RecentCount = 0;
        RecentDistinctUsers = 0;
        MatchType = MatchKind.Prefix;
        EditDistance = 0;
        Q2qStrength = 0;
        I2qStrength = 0;
        CategoryAffinity = 0;
        Ctr = 0;
        Cvr = 0;
        Gmv = 0;
    }

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
