namespace QueryRec.Storage.Realtime;

/// <summary>
/// A batch of <see cref="RealtimeUpdate"/>s grouped by key, so each store writes every list or counter once per batch:
/// recent values keep their latest time, exposures and trending submissions are summed, and trending submissions
/// whose bucket is already outside the window are dropped.
/// </summary>
internal sealed class RealtimePlan
{
    public Dictionary<string, Dictionary<string, DateTimeOffset>> RecentQueries { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, DateTimeOffset>> ViewedItems { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, DateTimeOffset>> PushesSent { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, DateTimeOffset>> OrderedItems { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Subject, DateOnly Day), Dictionary<string, int>> Exposures { get; } = [];

    public Dictionary<long, Dictionary<string, Submissions>> Trending { get; } = [];

    /// <summary>Per subject, the ids of its accepted events (see <see cref="RealtimeUpdateKind.EventSeen"/>).</summary>
    public Dictionary<string, HashSet<string>> EventsSeen { get; } = new(StringComparer.Ordinal);

    public static RealtimePlan Of(IReadOnlyList<RealtimeUpdate> updates, TrendingBuckets buckets, DateTimeOffset now)
    {
        var plan = new RealtimePlan();
        foreach (var update in updates)
        {
            if (string.IsNullOrEmpty(update.Subject) || string.IsNullOrEmpty(update.Value))
            {
                continue;
            }

            switch (update.Kind)
            {
                case RealtimeUpdateKind.RecentQuery:
                    Latest(plan.RecentQueries, update);
                    break;
                case RealtimeUpdateKind.ViewedItem:
                    Latest(plan.ViewedItems, update);
                    break;
                case RealtimeUpdateKind.PushSent:
                    Latest(plan.PushesSent, update);
                    break;
                case RealtimeUpdateKind.OrderedItem:
                    Latest(plan.OrderedItems, update);
                    break;
                case RealtimeUpdateKind.Exposure:
                    var day = DateOnly.FromDateTime(update.Time.UtcDateTime);
                    if (!plan.Exposures.TryGetValue((update.Subject, day), out var words))
                    {
                        plan.Exposures[(update.Subject, day)] = words = new Dictionary<string, int>(StringComparer.Ordinal);
                    }

                    words[update.Value] = words.GetValueOrDefault(update.Value) + 1;
                    break;
                case RealtimeUpdateKind.Trending:
                    var bucket = buckets.StartOf(update.Time);
                    if (!buckets.InWindow(bucket, now))
                    {
                        break;
                    }

                    if (!plan.Trending.TryGetValue(bucket, out var queries))
                    {
                        plan.Trending[bucket] = queries = new Dictionary<string, Submissions>(StringComparer.Ordinal);
                    }

                    if (!queries.TryGetValue(update.Value, out var submissions))
                    {
                        queries[update.Value] = submissions = new Submissions();
                    }

                    submissions.Count++;
                    submissions.Subjects.Add(update.Subject);
                    break;
                case RealtimeUpdateKind.EventSeen:
                    if (!plan.EventsSeen.TryGetValue(update.Subject, out var ids))
                    {
                        plan.EventsSeen[update.Subject] = ids = new HashSet<string>(StringComparer.Ordinal);
                    }

                    ids.Add(update.Value);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(updates), update.Kind, "Unknown real-time update kind.");
            }
        }

        return plan;
    }

    private static void Latest(Dictionary<string, Dictionary<string, DateTimeOffset>> lists, RealtimeUpdate update)
    {
        if (!lists.TryGetValue(update.Subject, out var values))
        {
            lists[update.Subject] = values = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        }

        if (!values.TryGetValue(update.Value, out var time) || update.Time > time)
        {
            values[update.Value] = update.Time;
        }
    }

    /// <summary>One query's submissions in one bucket of a batch.</summary>
    internal sealed class Submissions
    {
        public int Count { get; set; }

        public HashSet<string> Subjects { get; } = new(StringComparer.Ordinal);
    }
}
