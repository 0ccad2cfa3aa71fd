using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Simulate;

/// <summary>Generates the events of one session into the reordering queue.</summary>
internal sealed class SessionGenerator(SimulationOptions options, LogSimulator.PopularityModel model, PriorityQueue<SimulatedEvent, long> heap)
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
