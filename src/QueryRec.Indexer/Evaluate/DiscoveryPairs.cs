using QueryRec.Contracts.V1;
using QueryRec.Indexer.Import;
using QueryRec.Indexer.Replay;

namespace QueryRec.Indexer.Evaluate;

/// <summary>One test case of the Discover evaluation: a user searched <paramref name="Query"/>, then <paramref name="Next"/>.</summary>
/// <param name="UserId">The user of both searches.</param>
/// <param name="Query">The first search, normalized: the page's query when Discover is asked.</param>
/// <param name="Next">The next search of the user, normalized, different from <paramref name="Query"/>: the query a section should show.</param>
/// <param name="ItemId">The last item the user clicked between the two searches (CLICK_BACK's context), empty when none.</param>
/// <param name="CategoryId">That item's category, empty when none.</param>
internal sealed record DiscoveryPair(string UserId, string Query, string Next, string ItemId, string CategoryId);

/// <summary>The next-query cases of a log (docs/evaluation.md, "Discover").</summary>
internal static class DiscoveryPairs
{
    /// <summary>The longest gap between two searches of one user that still makes them one visit.</summary>
    public static readonly TimeSpan DefaultGap = TimeSpan.FromMinutes(30);

    /// <summary>
    /// For each search at or after <paramref name="split"/> that follows an earlier search of the same user, also at
    /// or after the split, by at most <paramref name="gap"/>, with another normalized query: the pair, keyed by the
    /// later search event (by reference, so the replay can find it). A repeated query makes no pair but becomes the
    /// previous search of the next one.
    /// </summary>
    /// <param name="events">The events in time order, without repeated searches (<see cref="ReplayLog.WithoutRepeatedSearches"/>).</param>
    public static Dictionary<LogEvent, DiscoveryPair> Of(IReadOnlyList<LogEvent> events, DateTimeOffset split, TimeSpan gap)
    {
        ArgumentNullException.ThrowIfNull(events);
        var pairs = new Dictionary<LogEvent, DiscoveryPair>(ReferenceEqualityComparer.Instance);
        var last = new Dictionary<string, (string Query, DateTimeOffset Time, string Item, string Category)>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.Time < split)
            {
                continue;
            }

            if (e.Type == LogEventType.Click && !string.IsNullOrEmpty(e.ItemId) && last.TryGetValue(e.UserId, out var open))
            {
                last[e.UserId] = open with { Item = e.ItemId, Category = e.CategoryId ?? string.Empty };
                continue;
            }

            if (e.Type != LogEventType.Search || QueryRec.Core.Normalization.QueryNormalizer.Normalize(e.Query) is not { Length: > 0 } query)
            {
                continue;
            }

            if (last.TryGetValue(e.UserId, out var previous) && e.Time - previous.Time <= gap && previous.Query != query)
            {
                pairs.Add(e, new DiscoveryPair(e.UserId, previous.Query, query, previous.Item, previous.Category));
            }

            last[e.UserId] = (query, e.Time, string.Empty, string.Empty);
        }

        return pairs;
    }

    /// <summary>The Discover request of the previous query's result page: the user, its query (BROWSING only), the item clicked since.</summary>
    public static DiscoverRequest Request(DiscoveryPair pair, Stage stage, int limit, params SectionKind[] sections)
    {
        ArgumentNullException.ThrowIfNull(pair);
        var request = new DiscoverRequest
        {
            UserId = pair.UserId,
            Stage = stage,
            Scene = stage == Stage.Browsing ? Scene.SearchResult : Scene.Home,
            Limit = limit,
            Sections = { sections },
        };
        if (stage == Stage.Browsing)
        {
            request.Context = new PageContext { Query = pair.Query, ItemId = pair.ItemId, CategoryId = pair.CategoryId };
        }

        return request;
    }
}
