using QueryRec.Serving.Recall;
using QueryRec.Storage;
using QueryRec.Storage.Realtime;
using QueryRec.Storage.V1;

namespace QueryRec.Serving.Ranking;

/// <summary>
/// What the caller's recent activity says about each candidate: the ranking features <c>q2q_strength</c>,
/// <c>i2q_strength</c> and <c>category_affinity</c> (docs/ranking.md, "Serving"). Built once per request from the
/// caller's newest <see cref="MaxQueries"/> distinct queries and <see cref="MaxItems"/> viewed items and the index
/// lists of those: at most <see cref="MaxQueries"/> q2q lists, <see cref="MaxQueries"/> query statistics and
/// <see cref="MaxItems"/> i2q lists, read concurrently.
/// </summary>
/// <remarks>
/// Every value is in [0, 1]. An entry's weight is its recency: <c>1 / (rank + 1)</c> (newest first, as Discover's
/// u2q2q weighs them) times <c>0.5 ^ (age / <see cref="HalfLife"/>)</c>, so the query typed a minute ago counts fully
/// and one from last week hardly at all. The constants are fixed, not options, so that the rows a model was trained on
/// and the rows it serves cannot be computed differently.
/// </remarks>
internal sealed class SessionSignals
{
    /// <summary>How many of the caller's newest distinct queries are read.</summary>
    public const int MaxQueries = 3;

    /// <summary>How many of the caller's newest viewed items are read.</summary>
    public const int MaxItems = 3;

    /// <summary>The half-life of an entry's weight with its age.</summary>
    public static readonly TimeSpan HalfLife = TimeSpan.FromDays(1);

    /// <summary>No session: every feature 0.</summary>
    public static readonly SessionSignals Empty = new(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal));

    private readonly Dictionary<string, double> _q2q;
    private readonly Dictionary<string, double> _i2q;
    private readonly Dictionary<string, double> _categories;

    private SessionSignals(Dictionary<string, double> q2q, Dictionary<string, double> i2q, Dictionary<string, double> categories)
    {
        _q2q = q2q;
        _i2q = i2q;
        _categories = categories;
    }

    /// <summary>True when no feature can be non-zero.</summary>
    public bool IsEmpty => _q2q.Count == 0 && _i2q.Count == 0 && _categories.Count == 0;

    /// <summary>
    /// The weight of the entry at <paramref name="rank"/> (0 = newest) that happened at <paramref name="time"/>:
    /// <c>1 / (rank + 1) × 0.5 ^ (age / HalfLife)</c>, in [0, 1]; an entry dated after <paramref name="now"/> has age 0.
    /// </summary>
    public static double Weight(int rank, DateTimeOffset time, DateTimeOffset now)
    {
        var age = Math.Max(0, (now - time).Ticks);
        return 1.0 / (rank + 1) * Math.Pow(0.5, age / (double)HalfLife.Ticks);
    }

    /// <summary>
    /// Builds the signals from what was read: <paramref name="queries"/> and <paramref name="items"/> newest first,
    /// each with its index list (null when the index has none). A list entry's strength is its score over the list's
    /// largest score (1 for every entry of a list without a positive score) times the owner's weight; a candidate
    /// takes its largest strength. A category's affinity is its click share over the query's top share (without
    /// shares, <c>1 / (rank + 1)</c>) times the query's weight, the largest over the queries.
    /// </summary>
    public static SessionSignals From(
        IReadOnlyList<(RecentEntry Query, RelatedQueries? Related, QueryStats? Stats)> queries,
        IReadOnlyList<(RecentEntry Item, ItemQueries? Queries)> items,
        DateTimeOffset now)
    {
        var q2q = new Dictionary<string, double>(StringComparer.Ordinal);
        var i2q = new Dictionary<string, double>(StringComparer.Ordinal);
        var categories = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < queries.Count; i++)
        {
            var (query, related, stats) = queries[i];
            var weight = Weight(i, query.Time, now);
            if (related is not null)
            {
                AddList(q2q, related.Queries.Select(static q => (q.Text, q.Score)), weight);
            }

            if (stats is not null && stats.TopCategories.Count > 0)
            {
                var top = stats.TopCategories.Max(static c => c.Share);
                for (var r = 0; r < stats.TopCategories.Count; r++)
                {
                    var share = stats.TopCategories[r];
                    var value = top > 0 ? Math.Max(0, share.Share) / top : 1.0 / (r + 1);
                    Keep(categories, share.Category, weight * value);
                }
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            var (item, list) = items[i];
            if (list is not null)
            {
                AddList(i2q, list.Queries.Select(static q => (q.Text, q.Weight)), Weight(i, item.Time, now));
            }
        }

        return new SessionSignals(q2q, i2q, categories);
    }

    /// <summary>
    /// Reads the signals of a caller: the newest queries and items (the given reads, shared with recall), then their
    /// q2q lists, statistics and i2q lists concurrently.
    /// </summary>
    public static async Task<SessionSignals> LoadAsync(
        IIndexSnapshot snapshot,
        Task<IReadOnlyList<RecentEntry>> recentQueries,
        Task<IReadOnlyList<RecentEntry>> viewedItems,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var queries = (await recentQueries).Take(MaxQueries).ToList();
        var items = (await viewedItems).Take(MaxItems).ToList();
        if (queries.Count == 0 && items.Count == 0)
        {
            return Empty;
        }

        var related = queries.Select(q => snapshot.GetRelatedQueriesAsync(q.Value, cancellationToken).AsTask()).ToList();
        var stats = queries.Select(q => snapshot.GetQueryStatsAsync(q.Value, cancellationToken).AsTask()).ToList();
        var itemQueries = items.Select(v => snapshot.GetItemQueriesAsync(v.Value, cancellationToken).AsTask()).ToList();
        await Task.WhenAll([.. related, .. stats, .. itemQueries]);
        return From(
            [.. queries.Select((q, i) => (q, related[i].Result, stats[i].Result))],
            [.. items.Select((v, i) => (v, itemQueries[i].Result))],
            now);
    }

    /// <summary>The q2q strength of a candidate text, 0 when none of the caller's queries relates to it.</summary>
    public double Q2q(string text) => _q2q.GetValueOrDefault(text);

    /// <summary>The i2q strength of a candidate text, 0 when none of the caller's items led to it.</summary>
    public double I2q(string text) => _i2q.GetValueOrDefault(text);

    /// <summary>
    /// The affinity of the caller for a candidate's top categories (best first): the largest of the caller's category
    /// affinity times <c>1 / (rank + 1)</c> of the category among the candidate's, 0 when no category is shared.
    /// </summary>
    public double CategoryAffinity(IReadOnlyList<string> topCategories)
    {
        var best = 0.0;
        for (var r = 0; r < topCategories.Count; r++)
        {
            if (_categories.TryGetValue(topCategories[r], out var affinity))
            {
                best = Math.Max(best, affinity / (r + 1));
            }
        }

        return best;
    }

    /// <summary>Writes the three features into each candidate's <see cref="CandidateFeatures"/>.</summary>
    public void Apply(IEnumerable<Candidate> candidates)
    {
        if (IsEmpty)
        {
            return;
        }

        foreach (var candidate in candidates)
        {
            candidate.Features.Q2qStrength = Q2q(candidate.Text);
            candidate.Features.I2qStrength = I2q(candidate.Text);
            candidate.Features.CategoryAffinity = CategoryAffinity(candidate.TopCategories);
        }
    }

    private static void AddList(Dictionary<string, double> into, IEnumerable<(string Text, double Score)> entries, double weight)
    {
        var list = entries.Where(static e => e.Text.Length > 0).ToList();
        var max = list.Count == 0 ? 0 : list.Max(static e => e.Score);
        foreach (var (text, score) in list)
        {
            Keep(into, text, weight * (max > 0 ? Math.Max(0, score) / max : 1.0));
        }
    }

    private static void Keep(Dictionary<string, double> into, string key, double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        if (!into.TryGetValue(key, out var existing) || value > existing)
        {
            into[key] = value;
        }
    }
}
