namespace QueryRec.Core.Ranking;

/// <summary>
/// The raw values of one (context query, candidate) pair of a Discover RELATED or REFINE list, before
/// <see cref="DiscoveryFeatureSchema.Fill"/>'s transforms. The server fills it from the candidate's index entries and
/// the request; the trainer reads the vectors the server logged.
/// </summary>
public readonly record struct DiscoveryFeatureValues
{
    /// <summary>Score in the q2q part of the related list over that part's best, [0, 1]; 0 when not from q2q.</summary>
    public double Q2qScore { get; init; }

    /// <summary>Score in the co-click part over its best, [0, 1]; 0 when not co-clicked.</summary>
    public double CoClickScore { get; init; }

    /// <summary>Score in the shared-words part over its best, [0, 1]; 0 when not from it.</summary>
    public double SharedWordsScore { get; init; }

    /// <summary>Score in the category-hot part over its best, [0, 1]; 0 when not from it.</summary>
    public double CategoryHotScore { get; init; }

    /// <summary>Score in the refinement list over its best, [0, 1]; 0 when not a refinement.</summary>
    public double RefineScore { get; init; }

    /// <summary>The entry's 0-based position in the index list it came from (the build's order).</summary>
    public int Position { get; init; }

    /// <summary>The score the heuristic gives it (the weighted scaled source scores).</summary>
    public double HeuristicScore { get; init; }

    /// <summary>The entry's count: q2q sessions with the transition, a refinement's or category-hot query's searches; 0 for co-click and shared words.</summary>
    public double Count { get; init; }

    /// <summary>A refinement's click-through rate, [0, 1]; 0 otherwise.</summary>
    public double Ctr { get; init; }

    /// <summary>Words shared by the context query and the candidate over the words of both (Jaccard), [0, 1].</summary>
    public double WordJaccard { get; init; }

    /// <summary>The candidate's word count minus the context query's.</summary>
    public int ExtraWords { get; init; }

    /// <summary>The candidate's length in Unicode scalar values.</summary>
    public int CandidateLength { get; init; }

    /// <summary>The largest word Jaccard between the candidate and the caller's other recent queries, [0, 1]; 0 when anonymous.</summary>
    public double RecentWordOverlap { get; init; }

    /// <summary>How many sources listed the candidate.</summary>
    public int SourceCount { get; init; }
}
