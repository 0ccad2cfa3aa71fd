using QueryRec.Core.Normalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Replay;

/// <summary>Prepares a log for a replay (evaluation and training from events).</summary>
internal static class ReplayLog
{
    /// <summary>
    /// Drops every search event that repeats an earlier one of the same user with the same normalized query at the
    /// same time. Logs that hold one row per click (the Best Buy log) write one search per clicked result; the user
    /// typed it once, so it is one test query and one search reported to the service, not one per click. Clicks and
    /// every other event are kept. The order of what is kept is unchanged.
    /// </summary>
    /// <param name="events">The events, in any order.</param>
    /// <param name="removed">How many search rows were dropped.</param>
    public static List<LogEvent> WithoutRepeatedSearches(IEnumerable<LogEvent> events, out long removed)
    {
        ArgumentNullException.ThrowIfNull(events);
        var seen = new HashSet<(string User, string Query, DateTimeOffset Time)>();
        var kept = new List<LogEvent>();
        removed = 0;
        foreach (var e in events)
        {
            if (e.Type == LogEventType.Search && !seen.Add((e.UserId, QueryNormalizer.Normalize(e.Query), e.Time)))
            {
                removed++;
                continue;
            }

            kept.Add(e);
        }

        return kept;
    }
}
