namespace QueryRec.Core.Ranking;

/// <summary>How the typed input matched a candidate, as the learned ranker sees it (one-hot in the feature vector).</summary>
public enum RankingMatchType
{
    /// <summary>The text starts with the input (prefix table, history, trending).</summary>
    Prefix,

    /// <summary>The text's full pinyin starts with the Latin input.</summary>
    PinyinFull,

    /// <summary>The text's pinyin initials start with the Latin input.</summary>
    PinyinInitials,

    /// <summary>Hanzi head then pinyin tail.</summary>
    PinyinMixed,

    /// <summary>Word-start or any-order infix.</summary>
    Infix,

    /// <summary>Typo tolerance or homophone correction.</summary>
    Fuzzy,
}

/// <summary>One named feature of the schema.</summary>
/// <param name="Name">The stable name (TSV header, model card).</param>
/// <param name="Description">What the value is and how it is derived from the raw values.</param>
public sealed record FeatureDefinition(string Name, string Description);

/// <summary>
/// The raw values of one (prefix, candidate) pair, before the schema's transforms. The server fills it from
/// its candidate features and the trainer from the replayed log; <see cref="FeatureSchema.Fill"/> turns it
/// into the model's input vector.
/// </summary>
public readonly record struct RankingFeatureValues
{
    /// <summary>The candidate's time-decayed popularity (a count, ≥ 0).</summary>
    public double DecayedPopularity { get; init; }

    /// <summary>The largest decayed popularity among the candidates of the same trie node (≥ 0).</summary>
    public double NodeMaxPopularity { get; init; }

    /// <summary>Click-through rate of the query, in [0, 1].</summary>
    public double Ctr { get; init; }

    /// <summary>Conversion rate (orders per search), in [0, 1].</summary>
    public double Cvr { get; init; }

    /// <summary>Gross merchandise value attributed to the query (≥ 0).</summary>
    public double Gmv { get; init; }

    /// <summary>How the input matched the candidate.</summary>
    public RankingMatchType MatchType { get; init; }

    /// <summary>Length of the typed input in Unicode scalar values.</summary>
    public int PrefixLength { get; init; }

    /// <summary>Length of the candidate text in Unicode scalar values.</summary>
    public int CandidateLength { get; init; }

    /// <summary>Edits between the input and the candidate's matched prefix (0 for exact matches).</summary>
    public int EditDistance { get; init; }

    /// <summary>Query-to-query strength from the user's previous query, in [0, 1] (0 when none).</summary>
    public double Q2qStrength { get; init; }

    /// <summary>Item-to-query strength from the user's recently viewed items, in [0, 1] (0 when none).</summary>
    public double I2qStrength { get; init; }

    /// <summary>Recency-decayed affinity of the user for this query from their history, in [0, 1].</summary>
    public double UserHistoryAffinity { get; init; }

    /// <summary>Affinity of the user (or request filter) for the candidate's top categories, in [0, 1].</summary>
    public double CategoryAffinity { get; init; }

    /// <summary>The candidate's count over the recent (trend) window.</summary>
    public double RecentCount { get; init; }

    /// <summary>The normalizer of <see cref="RecentCount"/> for <c>trend</c> (serving: the trending list's largest count).</summary>
    public double NodeMaxRecentCount { get; init; }

    /// <summary>Distinct users (or devices) who searched the candidate in the recent window.</summary>
    public double RecentDistinctUsers { get; init; }

    /// <summary>The largest <see cref="RecentCount"/> among the candidates of the same request.</summary>
    public double RequestMaxRecentCount { get; init; }
}

/// <summary>
/// Feature schema v2: the one ordered list of float features shared by the trainer (<c>indexer train</c>) and
/// the server. A model is only served if it was trained on the same <see cref="Version"/> and
/// <see cref="Count"/>. Changing the order, a name or a transform means a new version. See docs/ranking.md.
/// </summary>
public static class FeatureSchema
{
    /// <summary>The schema version, written in every model card.</summary>
    public const string Version = "features-v2";

    /// <summary>The features in vector order.</summary>
    public static IReadOnlyList<FeatureDefinition> Features { get; } =
    [
        new("popularity_log", "log1p(decayed popularity)."),
        new("popularity_rel", "Decayed popularity / the largest among the node's candidates, in [0, 1] (0 when the max is 0)."),
        new("ctr", "Click-through rate, clamped to [0, 1]."),
        new("cvr", "Conversion rate, clamped to [0, 1]."),
        new("gmv_log", "log1p(GMV)."),
        new("match_prefix", "1 when the match type is prefix, else 0."),
        new("match_pinyin_full", "1 when the match type is full pinyin, else 0."),
        new("match_pinyin_initials", "1 when the match type is pinyin initials, else 0."),
        new("match_pinyin_mixed", "1 when the match type is mixed hanzi and pinyin, else 0."),
        new("match_infix", "1 when the match type is infix (word start or any order), else 0."),
        new("match_fuzzy", "1 when the match type is fuzzy (typo or homophone), else 0."),
        new("prefix_length", "Length of the typed input in Unicode scalar values."),
        new("candidate_length", "Length of the candidate in Unicode scalar values."),
        new("edit_distance", "Edits between input and candidate prefix (0 for exact)."),
        new("q2q_strength", "Query-to-query strength from the previous query, clamped to [0, 1]."),
        new("i2q_strength", "Item-to-query strength from recently viewed items, clamped to [0, 1]."),
        new("user_history_affinity", "Recency-decayed affinity from the user's own history, clamped to [0, 1]."),
        new("category_affinity", "Affinity for the candidate's top categories, clamped to [0, 1]."),
        new("trend", "Recent-window count / the largest recent count of the trending list, in [0, 1] (0 when the max is 0)."),
        new("recent_log", "log1p(recent-window count): the fresh count the frozen index popularity does not have."),
        new("recent_rel", "Recent-window count / the largest among the request's candidates, in [0, 1] (0 when the max is 0)."),
        new("recent_users_log", "log1p(distinct users who searched it in the recent window)."),
    ];

    /// <summary>The number of features (the model's input width).</summary>
    public static int Count => Features.Count;

    /// <summary>The feature names in vector order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Features.Select(f => f.Name)];

    /// <summary>The version and names as one value, for the code shared with other schemas (trainer, model loading).</summary>
    public static RankingSchema Schema { get; } = new(Version, Names);

    /// <summary>Fills <paramref name="destination"/> (at least <see cref="Count"/> long) with the feature vector.</summary>
    /// <remarks>Non-finite raw values become 0; rates and strengths are clamped to [0, 1]; counts below 0 count as 0.</remarks>
    public static void Fill(in RankingFeatureValues values, Span<float> destination)
    {
        if (destination.Length < Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the schema has {Count}.", nameof(destination));
        }

        destination[..Count].Clear();
        destination[0] = (float)Math.Log(1 + NonNegative(values.DecayedPopularity));
        destination[1] = Ratio(values.DecayedPopularity, values.NodeMaxPopularity);
        destination[2] = Unit(values.Ctr);
        destination[3] = Unit(values.Cvr);
        destination[4] = (float)Math.Log(1 + NonNegative(values.Gmv));
        var matchIndex = values.MatchType switch
        {
            RankingMatchType.Prefix => 5,
            RankingMatchType.PinyinFull => 6,
            RankingMatchType.PinyinInitials => 7,
            RankingMatchType.PinyinMixed => 8,
            RankingMatchType.Infix => 9,
            RankingMatchType.Fuzzy => 10,
            _ => throw new ArgumentOutOfRangeException(nameof(values), values.MatchType, "Unknown match type."),
        };
        destination[matchIndex] = 1f;
        destination[11] = Math.Max(0, values.PrefixLength);
        destination[12] = Math.Max(0, values.CandidateLength);
        destination[13] = Math.Max(0, values.EditDistance);
        destination[14] = Unit(values.Q2qStrength);
        destination[15] = Unit(values.I2qStrength);
        destination[16] = Unit(values.UserHistoryAffinity);
        destination[17] = Unit(values.CategoryAffinity);
        destination[18] = Ratio(values.RecentCount, values.NodeMaxRecentCount);
        destination[19] = (float)Math.Log(1 + NonNegative(values.RecentCount));
        destination[20] = Ratio(values.RecentCount, values.RequestMaxRecentCount);
        destination[21] = (float)Math.Log(1 + NonNegative(values.RecentDistinctUsers));
    }

    /// <summary>Returns a new feature vector for <paramref name="values"/>.</summary>
    public static float[] ToVector(in RankingFeatureValues values)
    {
        var vector = new float[Count];
        Fill(values, vector);
        return vector;
    }

    private static double NonNegative(double value) => double.IsFinite(value) && value > 0 ? value : 0;

    private static float Unit(double value) => (float)Math.Clamp(NonNegative(value), 0, 1);

    private static float Ratio(double value, double max)
    {
        var m = NonNegative(max);
        return m == 0 ? 0f : (float)Math.Clamp(NonNegative(value) / m, 0, 1);
    }
}
