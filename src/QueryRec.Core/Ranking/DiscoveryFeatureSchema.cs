namespace QueryRec.Core.Ranking;

/// <summary>
/// Feature schema of the Discover ranker (RELATED and REFINE): the ordered float features shared by the trainer
/// (<c>indexer train --discovery</c>) and the server. Separate from Suggest's <see cref="FeatureSchema"/>: the two
/// rank different candidates for different inputs, and a model of one is refused by the other. See docs/ranking.md.
/// </summary>
public static class DiscoveryFeatureSchema
{
    /// <summary>The schema version, written in every model card.</summary>
    public const string Version = "discovery-features-v1";

    /// <summary>The features in vector order.</summary>
    public static IReadOnlyList<FeatureDefinition> Features { get; } =
    [
        new("q2q_score", "q2q score over the list's best q2q score, [0, 1]."),
        new("co_click_score", "Co-click score over the list's best co-click score, [0, 1]."),
        new("shared_words_score", "Shared-words score over the list's best, [0, 1]."),
        new("category_hot_score", "Category-hot score over the list's best, [0, 1]."),
        new("refine_score", "Refinement score over the list's best, [0, 1]."),
        new("position_inv", "1 / (1 + the entry's position in its index list)."),
        new("heuristic_score", "The heuristic's score (weighted scaled source scores), clamped to [0, 10]."),
        new("count_log", "log1p(the entry's count: q2q sessions; refinement and category-hot searches; 0 for co-click and shared words)."),
        new("ctr", "A refinement's click-through rate, clamped to [0, 1]."),
        new("word_jaccard", "Words shared with the context query over the words of both, [0, 1]."),
        new("extra_words", "Candidate words minus context words, clamped to [-5, 5]."),
        new("candidate_length", "Candidate length in Unicode scalar values."),
        new("recent_word_overlap", "Largest word Jaccard with the caller's other recent queries, [0, 1]."),
        new("source_count", "How many sources listed the candidate."),
    ];

    /// <summary>The number of features (the model's input width).</summary>
    public static int Count => Features.Count;

    /// <summary>The feature names in vector order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Features.Select(f => f.Name)];

    /// <summary>The version and names as one value.</summary>
    public static RankingSchema Schema { get; } = new(Version, Names);

    /// <summary>Fills <paramref name="destination"/> (at least <see cref="Count"/> long) with the feature vector.</summary>
    /// <remarks>Non-finite raw values become 0; scores and rates are clamped to [0, 1].</remarks>
    public static void Fill(in DiscoveryFeatureValues values, Span<float> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the schema has {Count}.", nameof(destination));
        }

        destination[0] = Unit(values.Q2qScore);
        destination[1] = Unit(values.CoClickScore);
        destination[2] = Unit(values.SharedWordsScore);
        destination[3] = Unit(values.CategoryHotScore);
        destination[4] = Unit(values.RefineScore);
        destination[5] = 1f / (1 + Math.Max(0, values.Position));
        destination[6] = (float)Math.Clamp(NonNegative(values.HeuristicScore), 0, 10);
        destination[7] = (float)Math.Log(1 + NonNegative(values.Count));
        destination[8] = Unit(values.Ctr);
        destination[9] = Unit(values.WordJaccard);
        destination[10] = Math.Clamp(values.ExtraWords, -5, 5);
        destination[11] = Math.Max(0, values.CandidateLength);
        destination[12] = Unit(values.RecentWordOverlap);
        destination[13] = Math.Max(0, values.SourceCount);
    }

    private static double NonNegative(double value) => double.IsFinite(value) && value > 0 ? value : 0;

    private static float Unit(double value) => (float)Math.Clamp(NonNegative(value), 0, 1);
}
