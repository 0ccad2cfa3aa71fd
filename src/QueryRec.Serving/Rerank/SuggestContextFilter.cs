using QueryRec.Contracts.V1;
using QueryRec.Serving.Recall;
using QueryRec.Storage;

namespace QueryRec.Serving.Rerank;

/// <summary>What Suggest does with completions outside the request's category filters.</summary>
public enum CategoryFilterMode
{
    /// <summary>Matching completions first; the rest only fill the answer up to the limit (<c>context_fill</c>).</summary>
    Filter,

    /// <summary>Completions outside the filters keep their place in the ranking with a lower score (<c>context_fill</c>).</summary>
    Boost,
}

/// <summary>
/// Suggest's category context: the page's category (<c>context.category_id</c>) and the request's
/// <c>category_filters</c>, combined with AND. A completion matches when every filter is among its top categories.
/// A request without filters never reaches this class (the fast path).
/// </summary>
internal static class SuggestContextFilter
{
    /// <summary>At most this many candidates without known categories have them looked up per request.</summary>
    public const int MaxCategoryLookups = 64;

    /// <summary>The request's filters: the context category, then <c>category_filters</c>, distinct; empty for the fast path.</summary>
    public static IReadOnlyList<string> FiltersOf(SuggestRequest request)
    {
        var context = request.Context?.CategoryId ?? string.Empty;
        if (context.Length == 0 && request.CategoryFilters.Count == 0)
        {
            return [];
        }

        var filters = new List<string>(request.CategoryFilters.Count + 1);
        if (context.Length > 0)
        {
            filters.Add(context);
        }

        foreach (var filter in request.CategoryFilters)
        {
            if (!filters.Contains(filter, StringComparer.Ordinal))
            {
                filters.Add(filter);
            }
        }

        return filters;
    }

    /// <summary>
    /// Fills in the top categories of candidates that came without them (history and trending candidates are not
    /// from the index tables) from their query statistics, at most <see cref="MaxCategoryLookups"/>; then marks the
    /// candidates outside the filters and, in boost mode, multiplies their score by <paramref name="boostFactor"/>.
    /// </summary>
    public static async ValueTask MarkAsync(
        IReadOnlyList<Candidate> candidates,
        IReadOnlyList<string> filters,
        IIndexSnapshot? snapshot,
        CategoryFilterMode mode,
        double boostFactor,
        CancellationToken cancellationToken)
    {
        if (snapshot is not null)
        {
            var unknown = candidates.Where(static c => c.TopCategories.Count == 0).Take(MaxCategoryLookups).ToList();
            var stats = await Task.WhenAll(unknown.Select(c => snapshot.GetQueryStatsAsync(c.Text, cancellationToken).AsTask()));
            for (var i = 0; i < unknown.Count; i++)
            {
                if (stats[i] is { } s)
                {
                    unknown[i].TopCategories = s.TopCategories.Select(static t => t.Category).ToList();
                }
            }
        }

        foreach (var candidate in candidates)
        {
            if (Matches(candidate, filters))
            {
                continue;
            }

            candidate.ContextFill = true;
            if (mode == CategoryFilterMode.Boost)
            {
                // Lower the score whatever its sign: a learned model may score below zero, where multiplying by
                // a factor under 1 would raise it.
                candidate.Score = candidate.Score >= 0 ? candidate.Score * boostFactor : candidate.Score / boostFactor;
            }
        }
    }

    /// <summary>
    /// Filter mode, on candidates already in rank order: the matching ones keep their order, and the others follow
    /// them to fill the answer up to <paramref name="limit"/>.
    /// </summary>
    public static List<Candidate> MatchingFirst(List<Candidate> ordered, int limit)
    {
        var result = new List<Candidate>(Math.Min(limit, ordered.Count));
        result.AddRange(ordered.Where(static c => !c.ContextFill).Take(limit));
        if (result.Count < limit)
        {
            result.AddRange(ordered.Where(static c => c.ContextFill).Take(limit - result.Count));
        }

        return result;
    }

    /// <summary>True when every filter is among the candidate's top categories (or is its category hint).</summary>
    public static bool Matches(Candidate candidate, IReadOnlyList<string> filters)
    {
        foreach (var filter in filters)
        {
            if (!candidate.TopCategories.Contains(filter, StringComparer.Ordinal)
                && !string.Equals(candidate.CategoryHint, filter, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
