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
    internal static SimulationStats Write(SimulationOptions options, Stream output, Action<double, double>? progress = null)
    {
        var stats = new SimulationStats();
        using var writer = new JsonlEventWriter(output);
        foreach (var e in Stream(options, stats, progress))
        {
            writer.Write(e.Event);
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

    private readonly record struct SessionStart(long Time, int User, int Index) : IComparable<SessionStart>
    {
        public int CompareTo(SessionStart other)
        {
            var c = Time.CompareTo(other.Time);
            if (c == 0)
            {
                c = User.CompareTo(other.User);
            }

            return c != 0 ? c : Index.CompareTo(other.Index);
        }
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

    /// <summary>Generates the events of one session into the reordering queue.</summary>
    private sealed class SessionGenerator(SimulationOptions options, PopularityModel model, PriorityQueue<SimulatedEvent, long> heap)
    {
        private const int Interests = 3;
        private const int MaxIntents = 30;
        private readonly Catalog _catalog = model.Catalog;
        private readonly long _trendFromMs = (options.Start.UtcTicks / TimeSpan.TicksPerMillisecond) + ((options.Days - options.TrendDays) * 86_400_000L);
        private readonly int[] _interests = new int[Interests];
        private readonly double[] _interestWeights = new double[Interests];
        private SimRandom _random;
        private string _user = string.Empty;
        private long _session;
        private long _t;

        public void Generate(SessionStart s, int day)
        {
            _random = SimRandom.For(options.Seed, 2, ((long)day << 32) | (uint)s.Index, s.User);
            _user = model.User(s.User, _interests, _interestWeights);
            _session = (((long)day * 50_000_000) + s.User) * 1000 + s.Index;
            _t = s.Time;
            var intents = Math.Min(MaxIntents, 1 + _random.Poisson(options.SearchesPerSession - 1));
            var category = _interests[_random.Sample(_interestWeights)];
            for (var k = 0; k < intents; k++)
            {
                if (k > 0 && !_random.Chance(0.6))
                {
                    category = _random.Chance(0.1) ? _random.Sample(model.CategoryWeights) : _interests[_random.Sample(_interestWeights)];
                }

                Intent(k, category);
                _t += _random.NextLong(15_000, 240_000);
            }
        }

        private void Intent(int k, int category)
        {
            var trendShare = _t >= _trendFromMs ? options.TrendShare : options.TrendShare / 50;
            var trending = model.TrendingQueries.Length > 0 && _random.Chance(trendShare);
            var queries = _catalog.Queries;
            var q = trending
                ? model.TrendingQueries[_random.Sample(model.TrendingWeights)]
                : model.CategoryQueries[category][_random.Sample(model.CategoryCumulative[category])];
            var typed = queries[q].Text;
            var typo = false;
            if (_random.Chance(options.TypoRate) && Typos.Make(ref _random, typed) is { } misspelt && !_catalog.TryGetQuery(misspelt, out _))
            {
                typed = misspelt;
                typo = true;
            }

            if (options.Fragments && _random.Chance(options.FragmentRate))
            {
                Fragments(typed, k, trending);
            }

            if (typo)
            {
                Search(typed, SearchRole.Typo, k, trending, _random.Chance(0.5) ? 0 : 1 + _random.Next(20));
                _t += _random.NextLong(2_000, 10_000);
                if (!_random.Chance(options.TypoCorrectionRate))
                {
                    return;
                }

                Search(queries[q].Text, SearchRole.Correction, k, trending, queries[q].ResultCount);
            }
            else
            {
                Search(typed, SearchRole.Query, k, trending, queries[q].ResultCount);
            }

            var variants = queries[q].Variants;
            if (variants.Length > 0 && _random.Chance(options.ReformulationRate))
            {
                q = variants[_random.Next(variants.Length)];
                _t += _random.NextLong(4_000, 20_000);
                Search(queries[q].Text, SearchRole.Reformulation, k, trending, queries[q].ResultCount);
            }

            var narrower = queries[q].Narrower;
            if (narrower.Count > 0 && _random.Chance(options.RefinementRate))
            {
                q = PickNarrower(narrower);
                _t += _random.NextLong(4_000, 20_000);
                Search(queries[q].Text, SearchRole.Refinement, k, trending, queries[q].ResultCount);
            }

            if (_random.Chance(options.ClickRate))
            {
                Clicks(queries[q], k, trending);
            }
        }

        private int PickNarrower(List<int> narrower)
        {
            var total = 0.0;
            foreach (var n in narrower)
            {
                total += Math.Max(model.Weight[n], model.MinWeight);
            }

            var x = _random.NextDouble() * total;
            foreach (var n in narrower)
            {
                x -= Math.Max(model.Weight[n], model.MinWeight);
                if (x < 0)
                {
                    return n;
                }
            }

            return narrower[^1];
        }

        /// <summary>One to three keystroke prefixes of the text, 0.3 to 1.2 s apart, the last within 1.5 s of the search.</summary>
        private void Fragments(string text, int k, bool trending)
        {
            var n = 1 + _random.Next(3);
            Span<int> lengths = stackalloc int[3];
            for (var i = 0; i < n; i++)
            {
                lengths[i] = 1 + _random.Next(Math.Max(1, text.Length - 1));
            }

            lengths[..n].Sort();
            var previous = string.Empty;
            for (var i = 0; i < n; i++)
            {
                var fragment = text[..Math.Min(lengths[i], text.Length - 1)].TrimEnd();
                if (fragment.Length == 0 || fragment == previous || char.IsHighSurrogate(fragment[^1]))
                {
                    continue;
                }

                previous = fragment;
                Search(fragment, SearchRole.Fragment, k, trending, 50 + _random.Next(5000));
                _t += _random.NextLong(300, 1_200);
            }

            _t += _random.NextLong(0, 300);
        }

        private void Clicks(SimQuery q, int k, bool trending)
        {
            var clicks = 1 + (_random.Chance(0.35) ? 1 + (_random.Chance(0.3) ? 1 : 0) : 0);
            for (var c = 0; c < clicks; c++)
            {
                _t += c == 0 ? _random.NextLong(2_000, 25_000) : _random.NextLong(5_000, 60_000);
                CatalogItem item;
                if (_random.Chance(options.ClickNoise))
                {
                    do
                    {
                        item = _catalog.Items[_random.Next(_catalog.Items.Length)];
                    }
                    while (item.Category == q.Category);
                }
                else
                {
                    // Position bias: the first matching items get most clicks.
                    var u = _random.NextDouble();
                    item = _catalog.Items[q.Items[(int)(u * u * q.Items.Length)]];
                }

                var categoryId = _catalog.Categories[item.Category].Id;
                Emit(new LogEvent(LogEventType.Click, _user, q.Text, Time(), item.Id, categoryId), SearchRole.None, k, trending);
                if (!_random.Chance(options.CartRate))
                {
                    continue;
                }

                _t += _random.NextLong(10_000, 120_000);
                Emit(new LogEvent(LogEventType.Cart, _user, q.Text, Time(), item.Id, categoryId), SearchRole.None, k, trending);
                if (!_random.Chance(options.OrderRate))
                {
                    continue;
                }

                _t += _random.NextLong(20_000, 300_000);
                var u2 = _random.NextDouble();
                var quantity = u2 < 0.8 ? 1 : u2 < 0.95 ? 2 : 3;
                Emit(new LogEvent(LogEventType.Order, _user, q.Text, Time(), item.Id, categoryId, Amount: item.Price * quantity), SearchRole.None, k, trending);
            }
        }

        private void Search(string text, SearchRole role, int k, bool trending, int results)
            => Emit(new LogEvent(LogEventType.Search, _user, text, Time(), ResultCount: results), role, k, trending);

        private DateTimeOffset Time() => new(_t * TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

        private void Emit(LogEvent e, SearchRole role, int k, bool trending)
            => heap.Enqueue(new SimulatedEvent(e, role, _session, k, trending), _t);
    }
}
