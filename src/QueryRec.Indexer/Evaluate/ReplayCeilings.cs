using QueryRec.Core.Normalization;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Evaluate;

/// <summary>
/// Upper bounds for a time-split replay (docs/ranking.md, "Ceilings"): what rankers that are allowed to cheat would
/// score on the same test pairs, under the same hit rule. They are not rankers anyone can deploy; they say how much
/// of a target the log itself allows. Every column suggests only queries that are <em>known</em> when the search is
/// made: searched by anyone before the split or earlier in the test (a ranker that suggests the unseen would have to
/// invent queries), and near-duplicate forms are one candidate (counts summed per <c>key</c>, the first form shown).
/// <list type="bullet">
/// <item><description>
/// <see cref="Known"/>: the query first whenever it, or a form with its key that starts with the prefix, is known —
/// the best any such ranker can do.
/// </description></item>
/// <item><description>
/// <see cref="Period"/>: one list per prefix, ordered by how often each candidate is searched over the whole test
/// period (foreknowledge of the future counts; ties: counts before the split, then text).
/// </description></item>
/// <item><description>
/// <see cref="PeriodPersonal"/>: <see cref="Period"/>, plus a perfect personal model: a user who searched anything
/// before gets the query (or that known form) first.
/// </description></item>
/// <item><description><see cref="Day"/>: ordered by the counts of the search's own UTC day (which include the search itself).</description></item>
/// </list>
/// Pure: no I/O, no clock. Memory: one ordered list per distinct test prefix (each known query is in at most
/// <c>maxPrefix</c> of them), and the current day's lists.
/// </summary>
internal static class ReplayCeilings
{
    /// <summary>The query first whenever it is known.</summary>
    public const string Known = "ceiling: known";

    /// <summary>Ordered by the test period's counts.</summary>
    public const string Period = "oracle: period counts";

    /// <summary>The period order, and the query first for a returning user.</summary>
    public const string PeriodPersonal = "oracle: period + personal";

    /// <summary>Ordered by the search day's counts.</summary>
    public const string Day = "oracle: day counts";

    /// <summary>The columns, in print order.</summary>
    public static readonly IReadOnlyList<string> Names = [Known, Period, PeriodPersonal, Day];

    /// <summary>
    /// The replay cases of each ceiling, keyed by name (<see cref="Names"/>), in the order of the test searches of
    /// <see cref="ReplayLog.Split"/>: every search at or after <paramref name="split"/> with a non-empty
    /// normalized query.
    /// </summary>
    /// <param name="events">The events in time order, without repeated searches.</param>
    /// <param name="split">The first instant of the test period.</param>
    /// <param name="maxPrefix">The longest prefix length replayed, in runes.</param>
    /// <param name="key">The hit rule's key (e.g. <c>NearDuplicates.Key</c>); forms with one key are one candidate.</param>
    public static IReadOnlyDictionary<string, List<ReplayCase>> Compute(IReadOnlyList<LogEvent> events, DateTimeOffset split, int maxPrefix, Func<string, string> key)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPrefix, 1);

        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        string KeyOf(string text)
        {
            if (!keys.TryGetValue(text, out var k))
            {
                k = key(text);
                keys[text] = k;
            }

            return k;
        }

        // When each query becomes known: -1 before the split, else the index of its first test search.
        var firstSeen = new Dictionary<string, int>(StringComparer.Ordinal);
        var before = new Dictionary<string, int>(StringComparer.Ordinal);
        var period = new Dictionary<string, int>(StringComparer.Ordinal);
        var tests = new List<(string Query, DateOnly Day)>();
        var returningAt = new List<bool>();
        var searchers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (e, q) in ReplayLog.Searches(events))
        {
            if (e.Time < split)
            {
                firstSeen[q] = -1;
                Increment(before, KeyOf(q));
                searchers.Add(e.UserId);
                continue;
            }

            firstSeen.TryAdd(q, tests.Count);
            Increment(period, KeyOf(q));
            returningAt.Add(!searchers.Add(e.UserId));
            tests.Add((q, DateOnly.FromDateTime(e.Time.UtcDateTime)));
        }

        var vocabulary = firstSeen.Keys.ToArray();
        Array.Sort(vocabulary, StringComparer.Ordinal);
        var forms = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var text in vocabulary)
        {
            var k = KeyOf(text);
            if (!forms.TryGetValue(k, out var list))
            {
                forms[k] = list = [];
            }

            list.Add(text);
        }

        var periodLists = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var dayLists = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var dayCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var currentDay = DateOnly.MinValue;
        var result = Names.ToDictionary(static n => n, _ => new List<ReplayCase>(tests.Count), StringComparer.Ordinal);

        for (var i = 0; i < tests.Count; i++)
        {
            var (q, day) = tests[i];
            if (day != currentDay)
            {
                currentDay = day;
                dayLists.Clear();
                dayCounts.Clear();
                for (var j = i; j < tests.Count && tests[j].Day == day; j++)
                {
                    Increment(dayCounts, KeyOf(tests[j].Query));
                }
            }

            var n = Math.Min(maxPrefix, QueryNormalizer.RuneCount(q));
            var shownKnown = new IReadOnlyList<string>[n];
            var shownPeriod = new IReadOnlyList<string>[n];
            var shownPersonal = new IReadOnlyList<string>[n];
            var shownDay = new IReadOnlyList<string>[n];
            for (var length = 1; length <= n; length++)
            {
                var prefix = QueryNormalizer.TruncateRunes(q, length);
                var form = KnownForm(q, prefix, i);
                shownKnown[length - 1] = form is null ? [] : [form];
                var ordered = Ordered(periodLists, prefix, static (_, _) => 0);
                shownPeriod[length - 1] = Top(ordered, i, null);
                shownPersonal[length - 1] = form is not null && returningAt[i] ? Top(ordered, i, form) : shownPeriod[length - 1];
                var byDay = Ordered(dayLists, prefix, (a, b) => dayCounts.GetValueOrDefault(KeyOf(b)).CompareTo(dayCounts.GetValueOrDefault(KeyOf(a))));
                shownDay[length - 1] = Top(byDay, i, null);
            }

            result[Known].Add(new ReplayCase(q, shownKnown));
            result[Period].Add(new ReplayCase(q, shownPeriod));
            result[PeriodPersonal].Add(new ReplayCase(q, shownPersonal));
            result[Day].Add(new ReplayCase(q, shownDay));
        }

        return result;

        // The query, else another form with its key, known before test search `at` and starting with the prefix.
        string? KnownForm(string query, string prefix, int at)
        {
            if (firstSeen[query] < at)
            {
                return query;
            }

            foreach (var text in forms[KeyOf(query)])
            {
                if (firstSeen[text] < at && text.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return text;
                }
            }

            return null;
        }

        // Every query starting with the prefix, best first: by `first`, then the test period's counts, the counts
        // before the split, and text.
        string[] Ordered(Dictionary<string, string[]> cache, string prefix, Comparison<string> first)
        {
            if (cache.TryGetValue(prefix, out var list))
            {
                return list;
            }

            var start = Array.BinarySearch(vocabulary, prefix, StringComparer.Ordinal);
            start = start < 0 ? ~start : start;
            var end = start;
            while (end < vocabulary.Length && vocabulary[end].StartsWith(prefix, StringComparison.Ordinal))
            {
                end++;
            }

            list = vocabulary[start..end];
            Array.Sort(list, (a, b) =>
            {
                var c = first(a, b);
                if (c == 0)
                {
                    c = period.GetValueOrDefault(KeyOf(b)).CompareTo(period.GetValueOrDefault(KeyOf(a)));
                }

                if (c == 0)
                {
                    c = before.GetValueOrDefault(KeyOf(b)).CompareTo(before.GetValueOrDefault(KeyOf(a)));
                }

                return c != 0 ? c : string.CompareOrdinal(a, b);
            });
            cache[prefix] = list;
            return list;
        }

        // The first Depth candidates of `ordered` known before test search `at`, one per key; `pinned` first when given.
        IReadOnlyList<string> Top(string[] ordered, int at, string? pinned)
        {
            var shown = new List<string>(ReplayMetrics.Depth);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (pinned is not null)
            {
                shown.Add(pinned);
                seen.Add(KeyOf(pinned));
            }

            foreach (var text in ordered)
            {
                if (shown.Count == ReplayMetrics.Depth)
                {
                    break;
                }

                if (firstSeen[text] < at && seen.Add(KeyOf(text)))
                {
                    shown.Add(text);
                }
            }

            return shown;
        }
    }

    private static void Increment(Dictionary<string, int> counts, string key)
        => counts[key] = counts.GetValueOrDefault(key) + 1;
}
