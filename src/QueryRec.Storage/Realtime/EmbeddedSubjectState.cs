namespace QueryRec.Storage.Realtime;

/// <summary>What the in-process store holds of one subject; callers lock it.</summary>
internal sealed class EmbeddedSubjectState
{
    private readonly Dictionary<DateOnly, (Dictionary<string, int> Counts, DateTimeOffset Expires)> _exposures = [];
    private readonly Dictionary<string, DateTimeOffset> _events = new(StringComparer.Ordinal);

    public EmbeddedRecentList RecentQueries { get; } = new();

    public EmbeddedRecentList ViewedItems { get; } = new();

    public EmbeddedRecentList PushesSent { get; } = new();

    public EmbeddedRecentList OrderedItems { get; } = new();

    /// <summary>The ids of the subject's events whose dedupe marks may still be held.</summary>
    public IEnumerable<string> EventIds => _events.Keys;

    public void AddEvents(HashSet<string> ids, DateTimeOffset now, DateTimeOffset until)
    {
        foreach (var stale in _events.Where(p => p.Value <= now).Select(static p => p.Key).ToList())
        {
            _events.Remove(stale);
        }

        foreach (var id in ids)
        {
            _events[id] = until;
        }
    }

    /// <summary>How many records the subject holds: list entries, exposure days and event ids.</summary>
    public int Count() => RecentQueries.Count + ViewedItems.Count + PushesSent.Count + OrderedItems.Count + _exposures.Count + _events.Count;

    public void AddExposures(DateOnly day, Dictionary<string, int> words, DateTimeOffset now)
    {
        foreach (var stale in _exposures.Where(p => p.Value.Expires <= now).Select(static p => p.Key).ToList())
        {
            _exposures.Remove(stale);
        }

        if (!_exposures.TryGetValue(day, out var entry))
        {
            entry = (new Dictionary<string, int>(StringComparer.Ordinal), now);
        }

        foreach (var (word, count) in words)
        {
            entry.Counts[word] = entry.Counts.GetValueOrDefault(word) + count;
        }

        _exposures[day] = (entry.Counts, now + EmbeddedRealtimeStore.ExposureTtl);
    }

    public Dictionary<string, int>? ExposuresOf(DateOnly day, DateTimeOffset now)
        => _exposures.TryGetValue(day, out var entry) && entry.Expires > now ? entry.Counts : null;
}
