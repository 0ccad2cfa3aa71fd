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
    /// other candidate's score, keeping the model's order among them (it weighs how recent and how popular each is).
    /// Match tier still comes first in the rerank order, so an own query reached by typo tolerance does not pass an
    /// exact completion.
    /// </summary>
    public static void LiftOwnRecentQueries(IReadOnlyList<Candidate> candidates, DateTimeOffset now, TimeSpan window)
    {
        if (window <= TimeSpan.Zero)
        {
            return;
        }

        var top = double.NegativeInfinity;
        var lowestOwn = double.PositiveInfinity;
        foreach (var c in candidates)
        {
            top = Math.Max(top, c.Score);
            if (IsOwnRecent(c, now, window))
            {
                lowestOwn = Math.Min(lowestOwn, c.Score);
            }
        }

        if (double.IsPositiveInfinity(lowestOwn))
        {
            return;
        }

        // One shift for all of them: the lowest lands 1 above the top, and their differences stay.
        var shift = top - lowestOwn + 1;
        foreach (var c in candidates)
        {
            if (IsOwnRecent(c, now, window))
            {
                c.Score += shift;
            }
        }
    }

    /// <remarks>A time ahead of the clock (skew) counts as just now.</remarks>
    private static bool IsOwnRecent(Candidate candidate, DateTimeOffset now, TimeSpan window)
        => candidate.Features.LastSearched is { } last && now - last <= window;
}
