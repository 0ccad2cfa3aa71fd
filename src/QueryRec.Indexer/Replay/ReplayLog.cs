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

    /// <summary>
    /// The time split of an evaluation: the events before <paramref name="split"/> (the index is built from them) and,
    /// as test queries, every search at or after it, normalized, the empty ones dropped.
    /// </summary>
    /// <param name="events">The events in time order, without repeated searches (<see cref="WithoutRepeatedSearches"/>).</param>
    /// <param name="split">The first instant of the test period.</param>
    public static (List<LogEvent> Train, List<string> Tests) Split(IReadOnlyList<LogEvent> events, DateTimeOffset split)
    {
        ArgumentNullException.ThrowIfNull(events);
        var train = events.Where(e => e.Time < split).ToList();
        var tests = Searches(events).Where(s => s.Event.Time >= split).Select(static s => s.Query).ToList();
        return (train, tests);
    }

    /// <summary>The search events of <paramref name="events"/> with their normalized query, those that normalize to nothing dropped, in order.</summary>
    public static IEnumerable<(LogEvent Event, string Query)> Searches(IEnumerable<LogEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            if (e.Type == LogEventType.Search && QueryNormalizer.Normalize(e.Query) is { Length: > 0 } query)
            {
                yield return (e, query);
            }
        }
    }
}
