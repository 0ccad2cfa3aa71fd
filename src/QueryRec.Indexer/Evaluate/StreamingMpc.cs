namespace QueryRec.Indexer.Evaluate;

/// <summary>
/// Streaming most-popular-completion, offline (docs/ranking.md, "Evaluation"): every query starts at its popularity
/// in the static index; each test search, once replayed, adds 1 to its query (a new query enters the candidates with
/// 1). A prefix's list is the queries starting with it, highest score first (ties: text order), optionally collapsed
/// to one query per key (the service's near-duplicate collapse). Pure: no I/O, no clock.
/// </summary>
internal sealed class StreamingMpc
{
    private readonly Dictionary<string, double> _scores = new(StringComparer.Ordinal);
    private readonly List<string> _sorted;
    private readonly Func<string, string>? _collapseKey;

    /// <summary>Starts from <paramref name="vocabulary"/> (text and popularity).</summary>
    /// <param name="vocabulary">The static index's queries.</param>
    /// <param name="collapseKey">Queries with the same key are shown once (the best); null: no collapse.</param>
    public StreamingMpc(IEnumerable<VocabularyEntry> vocabulary, Func<string, string>? collapseKey = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        foreach (var entry in vocabulary)
        {
            _scores[entry.Text] = entry.Popularity;
        }

        _sorted = [.. _scores.Keys];
        _sorted.Sort(StringComparer.Ordinal);
        _collapseKey = collapseKey;
    }

    /// <summary>How many queries are candidates.</summary>
    public int Count => _sorted.Count;

    /// <summary>The score of <paramref name="query"/> (0 when unknown).</summary>
    public double Score(string query) => _scores.GetValueOrDefault(query);

    /// <summary>Counts one submission of <paramref name="query"/>.</summary>
    public void Add(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_scores.TryGetValue(query, out var score))
        {
            _scores[query] = score + 1;
            return;
        }

        _scores[query] = 1;
        var at = _sorted.BinarySearch(query, StringComparer.Ordinal);
        _sorted.Insert(~at, query);
    }

    /// <summary>The first <paramref name="limit"/> candidates for <paramref name="prefix"/>, best first.</summary>
    public IReadOnlyList<string> Top(string prefix, int limit)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var start = _sorted.BinarySearch(prefix, StringComparer.Ordinal);
        start = start < 0 ? ~start : start;
        var matches = new List<(string Text, double Score)>();
        for (var i = start; i < _sorted.Count && _sorted[i].StartsWith(prefix, StringComparison.Ordinal); i++)
        {
            matches.Add((_sorted[i], _scores[_sorted[i]]));
        }

        matches.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : string.CompareOrdinal(a.Text, b.Text));
        var result = new List<string>(Math.Min(limit, matches.Count));
        var seen = _collapseKey is null ? null : new HashSet<string>(StringComparer.Ordinal);
        foreach (var (text, _) in matches)
        {
            if (result.Count >= limit)
            {
                break;
            }

            if (seen is null || seen.Add(_collapseKey!(text)))
            {
                result.Add(text);
            }
        }

        return result;
    }
}
