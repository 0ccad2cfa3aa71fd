using QueryRec.Core.Normalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Evaluate;

/// <summary>
/// One push case: <paramref name="UserId"/> was active (had any event) on the UTC day starting <paramref name="Day"/>.
/// </summary>
/// <param name="UserId">The subject.</param>
/// <param name="Day">The start of the day (UTC midnight): the push list is computed from the events before it.</param>
/// <param name="LastQuery">The subject's last search before the day, normalized; empty when none (the own-last-query baseline).</param>
/// <param name="Searched">The subject's searches in [day, day + horizon), normalized, distinct.</param>
/// <param name="Recent">The subject's searches in the <see cref="PushCases.RecentWindow"/> before the day, normalized, distinct.</param>
internal sealed record PushCase(string UserId, DateTimeOffset Day, string LastQuery, IReadOnlyList<string> Searched, IReadOnlyList<string> Recent)
{
    /// <summary>
    /// The searches of <see cref="Searched"/> that are new intent: no near-duplicate of a <see cref="Recent"/> search
    /// by <paramref name="key"/> (the index's collapse key; the text-only one when not given).
    /// </summary>
    public IReadOnlyList<string> NewSearches(Func<string, string>? key = null)
    {
        key ??= QueryRec.Core.Matching.NearDuplicates.Key;
        var recent = Recent.Select(key).ToHashSet(StringComparer.Ordinal);
        return [.. Searched.Where(s => !recent.Contains(key(s)))];
    }
}

/// <summary>The push cases of a log (docs/evaluation.md, "Push").</summary>
internal static class PushCases
{
    /// <summary>How far before the day a search makes a later repeat of it not new intent (the push's default <c>PushSearchedWithin</c>).</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromDays(7);

    /// <summary>How long after the push a search still counts as its hit.</summary>
    public static readonly TimeSpan DefaultHorizon = TimeSpan.FromDays(3);

    /// <summary>
    /// The cases of every day from the split's day while the whole horizon after the day start is within the log
    /// (a truncated horizon would count misses that are only the log's end), grouped by day, in day order.
    /// </summary>
    /// <param name="events">The events in time order.</param>
    public static SortedDictionary<DateTimeOffset, List<PushCase>> Of(IReadOnlyList<LogEvent> events, DateTimeOffset split, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(events);
        var days = new SortedDictionary<DateTimeOffset, List<PushCase>>();
        if (events.Count == 0)
        {
            return days;
        }

        var first = DayOf(split) < split ? DayOf(split).AddDays(1) : DayOf(split);
        var end = events[^1].Time;
        var active = new SortedDictionary<DateTimeOffset, HashSet<string>>();
        var searches = new Dictionary<string, List<(DateTimeOffset Time, string Query)>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            var day = DayOf(e.Time);
            if (day >= first && day + horizon <= end)
            {
                if (!active.TryGetValue(day, out var users))
                {
                    active[day] = users = new HashSet<string>(StringComparer.Ordinal);
                }

                users.Add(e.UserId);
            }

            if (e.Type == LogEventType.Search && QueryNormalizer.Normalize(e.Query) is { Length: > 0 } query)
            {
                if (!searches.TryGetValue(e.UserId, out var list))
                {
                    searches[e.UserId] = list = [];
                }

                list.Add((e.Time, query));
            }
        }

        foreach (var (day, users) in active)
        {
            days[day] = [.. users.Order(StringComparer.Ordinal).Select(u => Case(u, day, horizon, searches.GetValueOrDefault(u) ?? []))];
        }

        return days;
    }

    private static PushCase Case(string userId, DateTimeOffset day, TimeSpan horizon, List<(DateTimeOffset Time, string Query)> searches)
    {
        var last = searches.LastOrDefault(s => s.Time < day).Query ?? string.Empty;
        var next = searches.Where(s => s.Time >= day && s.Time < day + horizon).Select(static s => s.Query).Distinct(StringComparer.Ordinal).ToList();
        var recent = searches.Where(s => s.Time >= day - RecentWindow && s.Time < day).Select(static s => s.Query).Distinct(StringComparer.Ordinal).ToList();
        return new PushCase(userId, day, last, next, recent);
    }

    private static DateTimeOffset DayOf(DateTimeOffset time) => new(time.UtcDateTime.Date, TimeSpan.Zero);
}
