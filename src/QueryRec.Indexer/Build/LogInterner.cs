using System.Runtime.InteropServices;
using QueryRec.Core.Normalization;

namespace QueryRec.Indexer.Build;

/// <summary>
/// Gives the strings of a log dense ids in order of first sight: normalized queries (each with its
/// <see cref="QueryAcc"/>), users, items and categories. Lookups take spans, so a string seen before allocates nothing.
/// </summary>
internal sealed class LogInterner
{
    private const int RawCacheLimit = 4_000_000;

    private readonly Dictionary<string, int> _rawQueries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _queryIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _rawLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _userLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _itemLookup;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _categoryLookup;

    public LogInterner()
    {
        _rawLookup = _rawQueries.GetAlternateLookup<ReadOnlySpan<char>>();
        _userLookup = _users.GetAlternateLookup<ReadOnlySpan<char>>();
        _itemLookup = _items.GetAlternateLookup<ReadOnlySpan<char>>();
        _categoryLookup = _categories.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The normalized queries, by id.</summary>
    public List<QueryAcc> Queries { get; } = [];

    public List<string> ItemNames { get; } = [];

    public List<string> CategoryNames { get; } = [];

    public int DistinctUsers => _users.Count;

    /// <summary>The id of a raw query once normalized, or -1 when it is empty or normalizes to nothing.</summary>
    public int QueryId(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty)
        {
            return -1;
        }

        if (_rawLookup.TryGetValue(raw, out var cached))
        {
            return cached;
        }

        var normalized = QueryNormalizer.Normalize(raw.ToString());
        var qid = -1;
        if (normalized.Length > 0)
        {
            qid = NormalizedQueryId(normalized);
        }

        if (_rawQueries.Count >= RawCacheLimit)
        {
            _rawQueries.Clear(); // a cache only: the normalized ids stay
        }

        _rawLookup[raw] = qid;
        return qid;
    }

    /// <summary>The id of a normalized query, added with empty statistics on first sight.</summary>
    public int NormalizedQueryId(string normalized)
    {
        if (_queryIds.Count != Queries.Count)
        {
            throw new InvalidOperationException("The queries were appended without their texts (a finished aggregator): no query can be interned.");
        }

        ref var nid = ref CollectionsMarshal.GetValueRefOrAddDefault(_queryIds, normalized, out var known);
        if (!known)
        {
            nid = Queries.Count;
            Queries.Add(new QueryAcc(normalized));
        }

        return nid;
    }

    /// <summary>
    /// Adds a query's statistics under the next id without filing its text (a finished aggregator's queries put in
    /// another order): the lookup by text would hold every query once more through the outputs, which never use it.
    /// </summary>
    public void AppendQuery(QueryAcc acc) => Queries.Add(acc);

    public int UserId(ReadOnlySpan<char> user) => Intern(_userLookup, null, user);

    public int ItemId(ReadOnlySpan<char> item) => Intern(_itemLookup, ItemNames, item);

    public int CategoryId(ReadOnlySpan<char> category) => Intern(_categoryLookup, CategoryNames, category);

    private static int Intern(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<string>? names, ReadOnlySpan<char> s)
    {
        if (lookup.TryGetValue(s, out var id))
        {
            return id;
        }

        id = lookup.Dictionary.Count;
        var text = s.ToString();
        lookup.Dictionary.Add(text, id);
        names?.Add(text);
        return id;
    }
}
