using System.Globalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Simulate;

/// <summary>
/// A seeded storefront log generator (see docs/simulator.md). Users with a few category interests run Poisson
/// numbers of sessions over the days; each session has search intents whose queries follow a Zipf law within
/// and across categories, with typed fragments, typos and corrections, reformulations and refinements, then
/// clicks on items of the query's category, carts and orders. A few new-release queries burst during the last
/// day(s). The output is deterministic for a seed and options, in non-decreasing time order, and streamed:
/// sessions are generated day by day in start order and their events pass through a priority queue that only
/// holds the events of sessions still running, so memory does not grow with the number of events.
/// </summary>
public static class LogSimulator
{
    /// <summary>Users simulated to estimate events per user when a target event count is given.</summary>
    internal const int PilotUsers = 5000;

    private static readonly double[] HourWeights = Cumulative([2, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 8, 7, 6, 6, 6, 7, 8, 9, 10, 10, 8, 5]);

    /// <summary>Generates every event in memory (for tests and small logs; use <c>simulate</c> for large ones).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IReadOnlyList<LogEvent> Generate(SimulationOptions options)
        => [.. Stream(options, new SimulationStats()).Select(static e => e.Event)];

    /// <summary>Writes the events as generic JSONL (UTF-8, the bytes of <see cref="JsonlEventFormat.Format"/>); returns the counters.</summary>
    /// <param name="options">The simulation.</param>
    /// <param name="output">Where the JSONL goes.</param>
    /// <param name="progress">Progress callback.</param>
    /// <param name="observe">Sees every event with its role as it is written (the ground truth of <c>--truth</c>).</param>
    internal static SimulationStats Write(SimulationOptions options, Stream output, Action<double, double>? progress = null, Action<SimulatedEvent>? observe = null)
    {
        var stats = new SimulationStats();
        using var writer = new JsonlEventWriter(output);
        foreach (var e in Stream(options, stats, progress))
        {
            writer.Write(e.Event);
            observe?.Invoke(e);
        }

        return stats;
    }

    /// <summary>Streams the events in time order, counting them in <paramref name="stats"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    internal static IEnumerable<SimulatedEvent> Stream(SimulationOptions options, SimulationStats stats, Action<double, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var model = new PopularityModel(Catalog.Default, options);
        var users = options.TargetEvents is { } target ? UsersFor(options, model, target) : options.Users;
        return StreamCore(options, model, users, stats, progress);
    }

    /// <summary>The number of users that gives about <paramref name="target"/> events, from a pilot run of the first users.</summary>
    internal static int UsersFor(SimulationOptions options, PopularityModel model, long target)
    {
        const int pilot = PilotUsers;
        long events = 0;
        foreach (var _ in StreamCore(options, model, pilot, new SimulationStats(), null))
        {
            events++;
        }

        var perUser = Math.Max(events, 1) / (double)pilot;
        return (int)Math.Clamp(Math.Round(target / perUser), 1, 50_000_000);
    }

    private static IEnumerable<SimulatedEvent> StreamCore(SimulationOptions options, PopularityModel model, int users, SimulationStats stats, Action<double, double>? progress)
    {
        stats.Users = users;
        var active = new System.Collections.BitArray(users);
        var heap = new PriorityQueue<SimulatedEvent, long>();
        var session = new SessionGenerator(options, model, heap);
        var startMs = options.Start.UtcTicks / TimeSpan.TicksPerMillisecond;
        var starts = new List<SessionStart>();
        var perDay = options.SessionsPerUser / options.Days;
        for (var day = 0; day < options.Days; day++)
        {
            progress?.Invoke(day, options.Days);
            var dayRandom = SimRandom.For(options.Seed, 1, day);
            var dayMs = startMs + (day * 86_400_000L);
            starts.Clear();
            for (var u = 0; u < users; u++)
            {
                var n = dayRandom.Poisson(perDay);
                for (var i = 0; i < n; i++)
                {
                    var hour = dayRandom.Sample(HourWeights);
                    starts.Add(new SessionStart(dayMs + (hour * 3_600_000L) + dayRandom.NextLong(0, 3_600_000), u, i));
                }
            }

            starts.Sort();
            foreach (var s in starts)
            {
                while (heap.TryPeek(out var e, out var time) && time <= s.Time)
                {
                    heap.Dequeue();
                    stats.Count(e);
                    yield return e;
                }

                if (!active[s.User])
                {
                    active[s.User] = true;
                    stats.ActiveUsers++;
                    stats.AnonymousUsers += model.IsAnonymous(s.User) ? 1 : 0;
                }

                stats.Sessions++;
                session.Generate(s, day);
                stats.MaxBuffered = Math.Max(stats.MaxBuffered, heap.Count);
            }
        }

        while (heap.TryDequeue(out var e, out _))
        {
            stats.Count(e);
            yield return e;
        }

        progress?.Invoke(options.Days, options.Days);
    }

    private static double[] Cumulative(double[] weights)
    {
        var cumulative = new double[weights.Length];
        var total = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            total += weights[i];
            cumulative[i] = total;
        }

        return cumulative;
    }

    /// <summary>The seeded part of the model: Zipf weights of the queries, category weights, trending queries, users.</summary>
    internal sealed class PopularityModel
    {
        public PopularityModel(Catalog catalog, SimulationOptions options)
        {
            Catalog = catalog;
            Options = options;
            var queries = catalog.Queries;
            Weight = new double[queries.Length];

            // Popularity rank: broad queries tend to rank higher, with a seeded jitter so that seeds differ.
            var random = SimRandom.For(options.Seed, 7);
            var normal = Enumerable.Range(0, queries.Length).Where(i => !queries[i].Trending).ToArray();
            var keys = normal.Select(i => queries[i].Level + (2.5 * random.NextDouble())).ToArray();
            Array.Sort(keys, normal);
            for (var r = 0; r < normal.Length; r++)
            {
                Weight[normal[r]] = 1.0 / Math.Pow(r + 1, options.Zipf);
            }

            MinWeight = Weight[normal[^1]];
            var categories = catalog.Categories.Length;
            CategoryQueries = new int[categories][];
            CategoryCumulative = new double[categories][];
            var categoryWeight = new double[categories];
            for (var c = 0; c < categories; c++)
            {
                CategoryQueries[c] = [.. Enumerable.Range(0, queries.Length).Where(i => queries[i].Category == c && !queries[i].Trending)];
                CategoryCumulative[c] = Cumulative([.. CategoryQueries[c].Select(i => Weight[i])]);
                categoryWeight[c] = CategoryCumulative[c][^1];
            }

            CategoryWeights = Cumulative(categoryWeight);

            // Trending: a seeded choice among the new releases' model queries.
            var candidates = Enumerable.Range(0, queries.Length)
                .Where(i => queries[i].Trending && queries[i].Level == 1 && catalog.Items[queries[i].Items[0]].Model == queries[i].Text)
                .ToArray();
            var trendRandom = SimRandom.For(options.Seed, 8);
            for (var i = candidates.Length - 1; i > 0; i--)
            {
                var j = trendRandom.Next(i + 1);
                (candidates[i], candidates[j]) = (candidates[j], candidates[i]);
            }

            TrendingQueries = [.. candidates.Take(options.Trending)];
            TrendingWeights = Cumulative([.. TrendingQueries.Select((_, r) => 1.0 / (r + 1))]);
        }

        public Catalog Catalog { get; }

        public SimulationOptions Options { get; }

        /// <summary>Zipf weight of each query (0 for new releases).</summary>
        public double[] Weight { get; }

        public double MinWeight { get; }

        public int[][] CategoryQueries { get; }

        public double[][] CategoryCumulative { get; }

        /// <summary>Cumulative category weights (the sum of their queries' weights).</summary>
        public double[] CategoryWeights { get; }

        /// <summary>The bursting queries, most popular first.</summary>
        public int[] TrendingQueries { get; }

        public double[] TrendingWeights { get; }

        public bool IsAnonymous(int user) => SimRandom.For(Options.Seed, 3, user).NextDouble() < Options.AnonymousRate;

        /// <summary>The user's id and interests: three categories drawn by category weight (so the population's mix stays Zipf), with random weights.</summary>
        public string User(int user, Span<int> interests, Span<double> cumulative)
        {
            var random = SimRandom.For(Options.Seed, 3, user);
            var anonymous = random.NextDouble() < Options.AnonymousRate;
            var total = 0.0;
            for (var i = 0; i < interests.Length; i++)
            {
                interests[i] = random.Sample(CategoryWeights);
                total += random.Exponential();
                cumulative[i] = total;
            }

            return anonymous
                ? "dev-" + (random.NextUInt64() & 0xFFFF_FFFF_FFFFUL).ToString("x12", CultureInfo.InvariantCulture)
                : "u" + user.ToString("D7", CultureInfo.InvariantCulture);
        }
    }
}
