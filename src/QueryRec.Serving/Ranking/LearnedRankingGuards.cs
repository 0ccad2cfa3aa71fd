using QueryRec.Serving.Recall;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// What the learned ranker guarantees around the model's scores, in every real-time state (see
/// <see cref="RankingModelOptions.OwnQueryWindow"/> and <see cref="RankingModelOptions.HeuristicWithoutSignal"/>).
/// </summary>
internal static class LearnedRankingGuards
{
    /// <summary>Whether any candidate carries a real-time or personal signal the model was trained to read.</summary>
    public static bool HasRealtimeSignal(IReadOnlyList<Candidate> candidates)
    {
        foreach (var c in candidates)
        {
            var f = c.Features;
            if (f.RecentCount > 0 || f.LastSearched is not null || f.Q2qStrength > 0 || f.I2qStrength > 0 || f.CategoryAffinity > 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Lifts the caller's own queries searched within <paramref name="window"/> of <paramref name="now"/> above every
    /// other candidate's score, the most recent highest. Match tier still comes first in the rerank order, so an own
    /// query reached by typo tolerance does not pass an exact completion.
    /// </summary>
    public static void LiftOwnRecentQueries(IReadOnlyList<Candidate> candidates, DateTimeOffset now, TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            return;
        }

        var top = double.NegativeInfinity;
        var any = false;
        foreach (var c in candidates)
        {
            top = Math.Max(top, c.Score);
            any |= IsOwnRecent(c, now, window);
        }

        if (!any)
        {
            return;
        }

        foreach (var c in candidates)
        {
            if (IsOwnRecent(c, now, window))
            {
                // Above the top by 1 to 2, newer higher; a future timestamp (clock skew) counts as now.
                var age = Math.Clamp((now - c.Features.LastSearched!.Value).Ticks, 0, window.Ticks);
                c.Score = top + 1 + (1 - ((double)age / window.Ticks));
            }
        }
    }

    private static bool IsOwnRecent(Candidate candidate, DateTimeOffset now, TimeSpan window)
        => candidate.Features.LastSearched is { } last && now - last <= window;
}
