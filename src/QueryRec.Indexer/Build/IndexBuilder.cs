using System.Globalization;
using Google.Protobuf;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Import;
using QueryRec.Storage;
using QueryRec.Storage.V1;

namespace QueryRec.Indexer.Build;

/// <summary>What a build counted and produced.</summary>
public sealed record BuildSummary
{
    /// <summary>Events consumed.</summary>
    public long EventsRead { get; init; }

    /// <summary>Search events.</summary>
    public long SearchEvents { get; init; }

    /// <summary>Click events.</summary>
    public long ClickEvents { get; init; }

    /// <summary>Search events whose query normalizes to nothing (ignored).</summary>
    public long EmptyQueries { get; init; }

    /// <summary>Distinct normalized queries searched at least once.</summary>
    public int QueriesSeen { get; init; }

    /// <summary>Queries removed because they were searched fewer than MinCount times.</summary>
    public int RemovedByMinCount { get; init; }

    /// <summary>Queries removed (after the count rule) because fewer than MinUsers distinct users searched them.</summary>
    public int RemovedByMinUsers { get; init; }

    /// <summary>Queries kept in the vocabulary.</summary>
    public int QueriesKept { get; init; }

    /// <summary>Prefix-table nodes written.</summary>
    public int PrefixNodes { get; init; }

    /// <summary>All records written.</summary>
    public int TotalRecords { get; init; }

    /// <summary>The version id.</summary>
    public string Version { get; init; } = string.Empty;

    /// <summary>The content checksum (see <see cref="IndexBuild.ComputeChecksum"/>).</summary>
    public ulong Checksum { get; init; }
}

/// <summary>The result of a build: the index version and its summary.</summary>
public sealed record BuildResult(IndexBuild Build, BuildSummary Summary);

/// <summary>
/// Builds an index version from events: the query vocabulary (most popular completion, MPC) and the
/// materialized prefix table with the top-K completions of every indexed prefix.
/// </summary>
public static class IndexBuilder
{
    /// <summary>Builds an index from <paramref name="events"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions options, TimeProvider timeProvider)
        => Build(events, options, timeProvider, null);

    /// <summary>Builds an index, reporting phases to <paramref name="onPhase"/> (for progress display).</summary>
    public static BuildResult Build(IEnumerable<LogEvent> events, BuildOptions options, TimeProvider timeProvider, Action<string>? onPhase)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        onPhase?.Invoke("counting");
        var stats = new Dictionary<string, QueryAccumulator>(StringComparer.Ordinal);
        long eventsRead = 0, searches = 0, clicks = 0, empty = 0;
        foreach (var e in events)
        {
            eventsRead++;
            if (e.Type is not (LogEventType.Search or LogEventType.Click))
            {
                continue;
            }

            var q = QueryNormalizer.Normalize(e.Query);
            if (e.Type == LogEventType.Search)
            {
                searches++;
                if (q.Length == 0)
                {
                    empty++;
                    continue;
                }

                var acc = GetOrAdd(stats, q);
                acc.Count++;
                acc.Users.Add(e.UserId);
            }
            else
            {
                clicks++;
                if (q.Length == 0)
                {
                    continue;
                }

                var acc = GetOrAdd(stats, q);
                acc.Clicks++;
                if (!string.IsNullOrEmpty(e.CategoryId))
                {
                    acc.CategoryClicks[e.CategoryId] = acc.CategoryClicks.TryGetValue(e.CategoryId, out var n) ? n + 1 : 1;
                }
            }
        }

        onPhase?.Invoke("filtering");
        int seen = 0, byCount = 0, byUsers = 0;
        var kept = new List<Candidate>();
        foreach (var (text, acc) in stats)
        {
            if (acc.Count == 0)
            {
                continue; // clicked but never searched: not a query of the log
            }

            seen++;
            if (acc.Count < options.MinCount)
            {
                byCount++;
                continue;
            }

            if (acc.Users.Count < options.MinUsers)
            {
                byUsers++;
                continue;
            }

            kept.Add(new Candidate(text, acc.Count, acc.Users.Count, acc.Count, CategoryHint(acc), acc.Clicks));
        }

        onPhase?.Invoke("ranking");

        // One sort of the vocabulary in ranking order; each prefix then takes the first K queries that
        // reach it, which are its top K. Cost: O(V log V + total prefixes).
        kept.Sort(CompareRank);
        var nodes = new Dictionary<string, PrefixNode>(StringComparer.Ordinal);
        var records = new List<IndexRecord>(kept.Count * 4);
        foreach (var c in kept)
        {
            var completion = new Completion
            {
                Text = c.Text,
                Score = c.Score,
                Count = c.Count,
                DistinctUsers = c.Users,
                CategoryHint = c.CategoryHint,
            };
            foreach (var prefix in QueryNormalizer.IndexedPrefixes(c.Text, options.MaxPrefixLength))
            {
                if (!nodes.TryGetValue(prefix, out var node))
                {
                    node = new PrefixNode();
                    nodes.Add(prefix, node);
                }

                if (node.Completions.Count < options.TopK)
                {
                    node.Completions.Add(completion);
                }
            }

            var queryStats = new QueryStats
            {
                Text = c.Text,
                Count = c.Count,
                DistinctUsers = c.Users,
                Popularity = c.Score,
                CategoryHint = c.CategoryHint,
                Clicks = c.Clicks,
            };
            records.Add(new IndexRecord(IndexKeys.Query(c.Text), queryStats.ToByteArray()));
        }

        foreach (var (prefix, node) in nodes)
        {
            records.Add(new IndexRecord(IndexKeys.Prefix(prefix), node.ToByteArray()));
        }

        records.Add(new IndexRecord(IndexKeys.Info, new IndexInfo { MaxPrefixLength = options.MaxPrefixLength, TopK = options.TopK }.ToByteArray()));

        onPhase?.Invoke("checksum");
        var sorted = records.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var checksum = IndexBuild.ComputeChecksum(sorted);
        var now = timeProvider.GetUtcNow();
        var version = options.Version ?? IndexBuild.MakeVersionId(now, checksum);
        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"mpc; source={options.Source ?? "-"}; events={eventsRead}; min-count={options.MinCount}; min-users={options.MinUsers}; top-k={options.TopK}; max-prefix-length={options.MaxPrefixLength}");
        var build = IndexBuild.Create(version, now, description, sorted);
        var summary = new BuildSummary
        {
            EventsRead = eventsRead,
            SearchEvents = searches,
            ClickEvents = clicks,
            EmptyQueries = empty,
            QueriesSeen = seen,
            RemovedByMinCount = byCount,
            RemovedByMinUsers = byUsers,
            QueriesKept = kept.Count,
            PrefixNodes = nodes.Count,
            TotalRecords = sorted.Length,
            Version = version,
            Checksum = build.Manifest.Checksum,
        };
        return new BuildResult(build, summary);
    }

    /// <summary>The ranking order: score desc, distinct users desc, text ordinal asc.</summary>
    private static int CompareRank(Candidate a, Candidate b)
    {
        var c = b.Score.CompareTo(a.Score);
        if (c != 0)
        {
            return c;
        }

        c = b.Users.CompareTo(a.Users);
        return c != 0 ? c : string.CompareOrdinal(a.Text, b.Text);
    }

    /// <summary>The category with the most clicks; ties go to the ordinally smallest id.</summary>
    private static string CategoryHint(QueryAccumulator acc)
    {
        var best = string.Empty;
        var bestClicks = 0;
        foreach (var (category, n) in acc.CategoryClicks)
        {
            if (n > bestClicks || (n == bestClicks && string.CompareOrdinal(category, best) < 0))
            {
                best = category;
                bestClicks = n;
            }
        }

        return best;
    }

    private static QueryAccumulator GetOrAdd(Dictionary<string, QueryAccumulator> stats, string q)
    {
        if (!stats.TryGetValue(q, out var acc))
        {
            acc = new QueryAccumulator();
            stats.Add(q, acc);
        }

        return acc;
    }

    private sealed class QueryAccumulator
    {
        public long Count { get; set; }

        public long Clicks { get; set; }

        public HashSet<string> Users { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, int> CategoryClicks { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Candidate(string Text, long Count, int Users, double Score, string CategoryHint, long Clicks);
}
