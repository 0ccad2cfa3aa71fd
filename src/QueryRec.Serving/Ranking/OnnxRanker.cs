using System.Buffers;
using Microsoft.Extensions.Options;
using QueryRec.Core.Normalization;
using QueryRec.Core.Ranking;
using QueryRec.Serving.Recall;
using QueryRec.Storage.Realtime;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// Scores candidates with the served ONNX model (<see cref="RankingModelHost"/>): maps each candidate to
/// <see cref="RankingFeatureValues"/>, builds one batch per request and writes <see cref="Candidate.Score"/>.
/// </summary>
internal sealed class OnnxRanker(RankingModelHost host, IOptionsMonitor<HeuristicRankingOptions> heuristicOptions)
{
    /// <summary>True when a model is expected (a file configured, a model published on its own, or one carried by the index).</summary>
    public bool Configured => host.Configured;

    /// <summary>The current model with a reference taken, or null when none is loaded.</summary>
    public RankingModel? Acquire() => host.Acquire();

    /// <summary>Scores <paramref name="candidates"/> in place with <paramref name="model"/> in one batch.</summary>
    public void Score(RankingModel model, IReadOnlyList<Candidate> candidates, string normalizedPrefix, DateTimeOffset now, TrendingSnapshot trending)
    {
        if (candidates.Count == 0)
        {
            return;
        }

        // One pooled feature buffer and score buffer per call: rented here, returned below, never shared.
        var rows = candidates.Count;
        var features = ArrayPool<float>.Shared.Rent(rows * FeatureSchema.Count);
        var scores = ArrayPool<float>.Shared.Rent(rows);
        try
        {
            FeatureBatch(candidates, normalizedPrefix, now, trending, heuristicOptions.CurrentValue.HistoryHalfLife, features);
            model.Score(features, rows, scores.AsSpan(0, rows));
            for (var i = 0; i < rows; i++)
            {
                candidates[i].Score = scores[i];
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features);
            ArrayPool<float>.Shared.Return(scores);
        }
    }

    /// <summary>Scores <paramref name="candidates"/> in place with <paramref name="model"/> from their <see cref="FeatureBatch(IReadOnlyList{Candidate}, string, DateTimeOffset, TrendingSnapshot)"/>.</summary>
    public static void Score(RankingModel model, IReadOnlyList<Candidate> candidates, float[] features)
    {
        if (candidates.Count == 0)
        {
            return;
        }

        var scores = model.Score(features, candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            candidates[i].Score = scores[i];
        }
    }

    /// <summary>
    /// The model input of <paramref name="candidates"/>: one row of <see cref="FeatureSchema.Count"/> floats per
    /// candidate, in order. <see cref="Score"/> feeds exactly this batch; the feature log records its rows.
    /// </summary>
    /// <remarks>
    /// A candidate's recent count is the one its recall carried (the trending source) or else the trending
    /// snapshot's count for its text: a prefix-table candidate that is trending but was not among the trending
    /// source's top for this prefix still has its fresh count.
    /// </remarks>
    public float[] FeatureBatch(IReadOnlyList<Candidate> candidates, string normalizedPrefix, DateTimeOffset now, TrendingSnapshot trending)
        => FeatureBatch(candidates, normalizedPrefix, now, trending, heuristicOptions.CurrentValue.HistoryHalfLife);

    /// <summary>The model input of <paramref name="candidates"/> with the history half-life given.</summary>
    public static float[] FeatureBatch(IReadOnlyList<Candidate> candidates, string normalizedPrefix, DateTimeOffset now, TrendingSnapshot trending, TimeSpan historyHalfLife)
    {
        var features = new float[candidates.Count * FeatureSchema.Count];
        FeatureBatch(candidates, normalizedPrefix, now, trending, historyHalfLife, features);
        return features;
    }

    /// <summary>Writes the model input of <paramref name="candidates"/> into the first rows of <paramref name="features"/>.</summary>
    public static void FeatureBatch(
        IReadOnlyList<Candidate> candidates, string normalizedPrefix, DateTimeOffset now, TrendingSnapshot trending, TimeSpan historyHalfLife, Span<float> features)
    {
        var width = FeatureSchema.Count;
        var prefixLength = QueryNormalizer.RuneCount(normalizedPrefix);
        var halfLife = historyHalfLife;

        // Two passes over the recent counts (the request's maximum first) instead of an array of them.
        long requestMax = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            requestMax = Math.Max(requestMax, Recent(candidates[i], trending).Count);
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            var recent = Recent(candidates[i], trending);
            var values = Features(candidates[i], prefixLength, now, trending.MaxCount, halfLife) with
            {
                RecentCount = recent.Count,
                NodeMaxRecentCount = Math.Max(trending.MaxCount, recent.Count),
                RecentDistinctUsers = recent.DistinctSubjects,
                RequestMaxRecentCount = requestMax,
            };
            FeatureSchema.Fill(values, features.Slice(i * width, width));
        }
    }

    /// <summary>The candidate's recent count and distinct users: its own when recalled as trending, else the snapshot's.</summary>
    public static TrendingCount Recent(Candidate candidate, TrendingSnapshot trending)
    {
        var f = candidate.Features;
        if (f.RecentCount > 0)
        {
            return new TrendingCount(candidate.Text, f.RecentCount, f.RecentDistinctUsers);
        }

        return trending.Counts.TryGetValue(candidate.Text, out var count) ? count : new TrendingCount(candidate.Text, 0, 0);
    }

    /// <summary>
    /// The raw feature values the API knows for a candidate. q2q, i2q and category affinity are those the request's
    /// <see cref="SessionSignals"/> wrote into the candidate (0 for anonymous callers). CTR, CVR and GMV are the
    /// completion's (<see cref="QueryRec.Storage.CompletionOutcomes"/>); 0 for candidates outside the index (history,
    /// trending) and for logs without clicks or orders.
    /// </summary>
    public static RankingFeatureValues Features(Candidate candidate, int prefixLength, DateTimeOffset now, long maxRecentCount, TimeSpan historyHalfLife)
    {
        var f = candidate.Features;
        var affinity = 0.0;
        if (f.LastSearched is { } last)
        {
            var age = Math.Max(0, (now - last).Ticks);
            affinity = Math.Pow(0.5, age / (double)historyHalfLife.Ticks);
        }

        return new RankingFeatureValues
        {
            DecayedPopularity = f.Popularity,
            NodeMaxPopularity = Math.Max(f.PopularityMax, f.Popularity),
            Ctr = f.Ctr,
            Cvr = f.Cvr,
            Gmv = f.Gmv,
            MatchType = MatchType(f.MatchType),
            PrefixLength = prefixLength,
            CandidateLength = QueryNormalizer.RuneCount(candidate.Text),
            EditDistance = f.EditDistance,
            UserHistoryAffinity = affinity,
            Q2qStrength = f.Q2qStrength,
            I2qStrength = f.I2qStrength,
            CategoryAffinity = f.CategoryAffinity,
            RecentCount = f.RecentCount,
            NodeMaxRecentCount = Math.Max(maxRecentCount, f.RecentCount),
            RecentDistinctUsers = f.RecentDistinctUsers,
            RequestMaxRecentCount = f.RecentCount,
        };
    }

    /// <summary>The ranker's match type of a recall match kind (history and trending candidates are prefix matches).</summary>
    public static RankingMatchType MatchType(MatchKind kind) => kind switch
    {
        MatchKind.Prefix => RankingMatchType.Prefix,
        MatchKind.PinyinFull => RankingMatchType.PinyinFull,
        MatchKind.PinyinInitials => RankingMatchType.PinyinInitials,
        MatchKind.PinyinMixed => RankingMatchType.PinyinMixed,
        MatchKind.Infix or MatchKind.AnyOrderInfix => RankingMatchType.Infix,
        MatchKind.Homophone or MatchKind.Fuzzy => RankingMatchType.Fuzzy,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown match kind."),
    };
}
