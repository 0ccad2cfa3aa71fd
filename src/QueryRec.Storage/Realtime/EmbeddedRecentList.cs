namespace QueryRec.Storage.Realtime;

/// <summary>A recent list: distinct values, newest first (ties by value, greatest first, as Redis reverse ranges).</summary>
internal sealed class EmbeddedRecentList
{
    private readonly List<RecentEntry> _entries = [];
    private DateTimeOffset _expires;

    public int Count => _entries.Count;

    public void Add(Dictionary<string, DateTimeOffset> values, int cap, DateTimeOffset now, TimeSpan ttl)
    {
        if (_expires <= now)
        {
            _entries.Clear();
        }

        foreach (var (value, time) in values)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
            var existing = _entries.FindIndex(e => string.Equals(e.Value, value, StringComparison.Ordinal));
            if (existing >= 0)
            {
                if (_entries[existing].Time >= at)
                {
                    continue;
                }

                _entries.RemoveAt(existing);
            }

            _entries.Add(new RecentEntry(value, at));
        }

        // As Redis does: expired entries leave before the cap trims, so they never take a live entry's place.
        _entries.RemoveAll(e => e.Time <= now - ttl);
        _entries.Sort(static (a, b) => b.Time != a.Time ? b.Time.CompareTo(a.Time) : string.CompareOrdinal(b.Value, a.Value));
        if (_entries.Count > cap)
        {
            _entries.RemoveRange(cap, _entries.Count - cap);
        }

        _expires = now + ttl;
    }

    public IReadOnlyList<RecentEntry> Read(int max, DateTimeOffset now, TimeSpan ttl)
        => _expires <= now ? [] : _entries.Where(e => e.Time > now - ttl).Take(max).ToArray();

    /// <summary>Deletes the given values, or all when null; says how many live entries went.</summary>
    public int Delete(IReadOnlyCollection<string>? values, DateTimeOffset now, TimeSpan ttl)
    {
        var live = _expires <= now ? [] : _entries.Where(e => e.Time > now - ttl).ToList();
        if (values is null)
        {
            _entries.Clear();
            return live.Count;
        }

        var drop = values.ToHashSet(StringComparer.Ordinal);
        _entries.RemoveAll(e => drop.Contains(e.Value));
        return live.Count(e => drop.Contains(e.Value));
    }
}
