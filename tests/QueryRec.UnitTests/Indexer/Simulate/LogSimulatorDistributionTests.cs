using QueryRec.Indexer.Import;
using QueryRec.Indexer.Simulate;

namespace QueryRec.UnitTests.Indexer.Simulate;

/// <summary>
/// Checks the simulated log against the model's parameters: each test reads the stream (and, where the
/// stream alone cannot tell, the simulator's ground-truth role of each search) of one shared run.
/// </summary>
public sealed class LogSimulatorDistributionTests
{
    private static readonly SimulationOptions Options = new() { Users = 4000, Seed = 11 };

    private static readonly Lazy<List<SimulatedEvent>> Run = new(() => [.. LogSimulator.Stream(Options, new SimulationStats())]);

    private static Catalog Catalog => Catalog.Default;

    private static List<SimulatedEvent> Events => Run.Value;

    private static IEnumerable<SimulatedEvent> Searches => Events.Where(static e => e.Event.Type == LogEventType.Search);

    /// <summary>Least-squares slope of log(frequency) on log(rank) over the top <paramref name="top"/> ranks.</summary>
    private static double ZipfSlope(IEnumerable<string> queries, int top)
    {
        var counts = queries.GroupBy(static q => q, StringComparer.Ordinal).Select(static g => (double)g.Count()).OrderDescending().Take(top).ToArray();
        var xs = counts.Select(static (_, i) => Math.Log(i + 1)).ToArray();
        var ys = counts.Select(static c => Math.Log(c)).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        return xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my)) / xs.Sum(x => (x - mx) * (x - mx));
    }

    private static bool Extends(string narrower, string broader)
    {
        if (narrower.Length > broader.Length && narrower.StartsWith(broader, StringComparison.Ordinal))
        {
            return true;
        }

        var words = broader.Split(' ');
        var more = narrower.Split(' ');
        return more.Length > words.Length && words.All(w => more.Contains(w, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.4)]
    public void Stream_Zipf_SlopeOfTopRanksNearParameter(double s)
    {
        var options = new SimulationOptions { Users = 4000, Seed = 5, Zipf = s };

        var queries = LogSimulator.Stream(options, new SimulationStats())
            .Where(static e => e.Event.Type == LogEventType.Search && e.Role != SearchRole.Fragment)
            .Select(static e => e.Event.Query);
        var slope = ZipfSlope(queries, 50);

        // Intents are Zipf by construction; typos, reformulations and refinements add a little mass to
        // mid ranks, which flattens the fitted slope slightly.
        Assert.InRange(-slope, s - 0.2, s + 0.1);
    }

    [Fact]
    public void Stream_Sessions_IntentCountIsOnePlusPoisson()
    {
        var intents = Events.GroupBy(static e => e.Session).Select(static g => (double)(g.Max(static e => e.Intent) + 1)).ToArray();
        var mean = intents.Average();
        var variance = intents.Sum(x => (x - mean) * (x - mean)) / (intents.Length - 1);

        // 1 + Poisson(μ - 1): mean μ = 2.5, variance μ - 1 = 1.5. Sessions with only an abandoned typo as last
        // intent still count. Standard error of the mean ≈ sqrt(1.5 / n) ≈ 0.01 for n ≈ 16k.
        Assert.InRange(mean, Options.SearchesPerSession - 0.05, Options.SearchesPerSession + 0.05);
        Assert.InRange(variance, (Options.SearchesPerSession - 1) * 0.9, (Options.SearchesPerSession - 1) * 1.1);
    }

    [Fact]
    public void Stream_SessionsPerUser_MeanNearOption()
    {
        var sessions = Events.Select(static e => e.Session).Distinct().Count();

        // Poisson(4) per user: 4000 users → 16,000 sessions, standard deviation ≈ 126.
        Assert.InRange(sessions, 15_500, 16_500);
    }

    [Fact]
    public void Stream_Fragments_ArePrefixesOfTheNextSearchWithinTwoSeconds()
    {
        var searches = Searches.GroupBy(static e => e.Session).SelectMany(static g => g.Zip(g.Skip(1))).ToList();

        var fragments = searches.Where(static p => p.First.Role == SearchRole.Fragment).ToList();

        Assert.NotEmpty(fragments);
        Assert.All(fragments, p =>
        {
            Assert.True(p.Second.Event.Query.StartsWith(p.First.Event.Query, StringComparison.Ordinal) && p.Second.Event.Query.Length > p.First.Event.Query.Length, $"'{p.First.Event.Query}' → '{p.Second.Event.Query}'");
            Assert.InRange(p.Second.Event.Time - p.First.Event.Time, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2));
        });
    }

    [Fact]
    public void Stream_Fragments_PrecedeAboutTheConfiguredShareOfIntents()
    {
        var intents = Events.Where(static e => e.Event.Type == LogEventType.Search).GroupBy(static e => (e.Session, e.Intent)).ToList();

        var share = intents.Count(static g => g.First().Role == SearchRole.Fragment) / (double)intents.Count;

        // Rarely, every drawn prefix trims to nothing (a one-letter query), so slightly under the rate.
        Assert.InRange(share, Options.FragmentRate - 0.02, Options.FragmentRate + 0.01);
    }

    [Fact]
    public void Stream_Fragments_OffWhenDisabled()
    {
        var events = LogSimulator.Stream(Options with { Users = 300, Fragments = false }, new SimulationStats());

        Assert.DoesNotContain(events, static e => e.Role == SearchRole.Fragment);
    }

    [Fact]
    public void Stream_Typos_AboutTheConfiguredRateAndOutsideTheVocabulary()
    {
        var intents = Events.Where(static e => e.Event.Type == LogEventType.Search && e.Role != SearchRole.Fragment).GroupBy(static e => (e.Session, e.Intent)).ToList();
        var typos = intents.Where(static g => g.First().Role == SearchRole.Typo).Select(static g => g.First()).ToList();

        var share = typos.Count / (double)intents.Count;

        // A misspelling that happens to be another vocabulary query is not used, so the share is at most the rate.
        Assert.InRange(share, Options.TypoRate - 0.015, Options.TypoRate + 0.005);
        Assert.All(typos, t => Assert.False(Catalog.TryGetQuery(t.Event.Query, out _), t.Event.Query));
        Assert.Contains(typos, static t => t.Event.ResultCount == 0);
        Assert.Contains(typos, static t => t.Event.Query.Any(Typos.IsCjk));
    }

    [Fact]
    public void Stream_Typos_CorrectedAtAboutTheConfiguredRate()
    {
        var intents = Searches.Where(static e => e.Role != SearchRole.Fragment).GroupBy(static e => (e.Session, e.Intent)).Where(static g => g.First().Role == SearchRole.Typo).ToList();

        var corrected = intents.Count(static g => g.Skip(1).FirstOrDefault().Role == SearchRole.Correction) / (double)intents.Count;

        Assert.InRange(corrected, Options.TypoCorrectionRate - 0.05, Options.TypoCorrectionRate + 0.05);
    }

    [Fact]
    public void Stream_Refinements_ExtendThePreviousQueryAtAboutTheConfiguredRate()
    {
        var pairs = Searches.Where(static e => e.Role != SearchRole.Fragment && e.Role != SearchRole.Typo)
            .GroupBy(static e => (e.Session, e.Intent)).SelectMany(static g => g.Zip(g.Skip(1))).ToList();
        // A refinement follows the intent's query as it stands after a correction and a reformulation.
        var eligible = Searches.Where(static e => e.Role is SearchRole.Query or SearchRole.Correction or SearchRole.Reformulation)
            .GroupBy(static e => (e.Session, e.Intent)).Select(static g => g.Last())
            .Count(e => Catalog.TryGetQuery(e.Event.Query, out var q) && Catalog.Queries[q].Narrower.Count > 0);
        var refinements = pairs.Where(static p => p.Second.Role == SearchRole.Refinement).ToList();

        Assert.All(refinements, p => Assert.True(Extends(p.Second.Event.Query, p.First.Event.Query), $"'{p.First.Event.Query}' → '{p.Second.Event.Query}'"));
        Assert.InRange(refinements.Count / (double)eligible, Options.RefinementRate - 0.02, Options.RefinementRate + 0.02);
    }

    [Fact]
    public void Stream_Reformulations_AreVariantsOfThePreviousQueryAtAboutTheConfiguredRate()
    {
        var pairs = Searches.Where(static e => e.Role != SearchRole.Fragment && e.Role != SearchRole.Typo)
            .GroupBy(static e => (e.Session, e.Intent)).SelectMany(static g => g.Zip(g.Skip(1))).ToList();
        var eligible = Searches.Count(e => e.Role is SearchRole.Query or SearchRole.Correction
            && Catalog.TryGetQuery(e.Event.Query, out var q) && Catalog.Queries[q].Variants.Length > 0);
        var reformulations = pairs.Where(static p => p.Second.Role == SearchRole.Reformulation).ToList();

        Assert.All(reformulations, p =>
        {
            Assert.True(Catalog.TryGetQuery(p.First.Event.Query, out var a));
            Assert.True(Catalog.TryGetQuery(p.Second.Event.Query, out var b));
            Assert.Equal(Catalog.Queries[a].Group, Catalog.Queries[b].Group);
            Assert.NotEqual(p.First.Event.Query, p.Second.Event.Query);
        });
        Assert.InRange(reformulations.Count / (double)eligible, Options.ReformulationRate - 0.02, Options.ReformulationRate + 0.02);
    }

    [Fact]
    public void Stream_Trending_SpikeInTheLastDay()
    {
        var lastDay = Options.Start.AddDays(Options.Days - Options.TrendDays);
        var model = new LogSimulator.PopularityModel(Catalog, Options);
        var trending = model.TrendingQueries.Select(static q => Catalog.Queries[q].Text).ToHashSet(StringComparer.Ordinal);
        var real = Searches.Where(static e => e.Role != SearchRole.Fragment).ToList();
        double Share(IEnumerable<SimulatedEvent> window)
        {
            var list = window.ToList();
            return list.Count(e => trending.Contains(e.Event.Query)) / (double)list.Count;
        }

        var before = Share(real.Where(e => e.Event.Time < lastDay));
        var after = Share(real.Where(e => e.Event.Time >= lastDay));

        // Inside the window a trending intent is 50 times as likely as before it.
        Assert.Equal(Options.Trending, trending.Count);
        Assert.True(after > 10 * before, $"before {before:P3}, after {after:P3}");
        Assert.True(before > 0, "a trending query should have a small baseline before its burst");
    }

    [Fact]
    public void Stream_Clicks_OnItemsOfTheQueryCategoryExceptNoise()
    {
        var clicks = Events.Where(static e => e.Event.Type == LogEventType.Click).ToList();

        var offCategory = clicks.Count(e =>
        {
            Assert.True(Catalog.TryGetItem(e.Event.ItemId!, out var item));
            Assert.Equal(Catalog.Categories[item.Category].Id, e.Event.CategoryId);
            return Catalog.TryGetQuery(e.Event.Query, out var q) && Catalog.Queries[q].Category != item.Category;
        });

        Assert.InRange(offCategory / (double)clicks.Count, Options.ClickNoise * 0.6, Options.ClickNoise * 1.4);
    }

    [Fact]
    public void Stream_Orders_AmountIsPriceTimesQuantity()
    {
        var orders = Events.Where(static e => e.Event.Type == LogEventType.Order).ToList();

        Assert.NotEmpty(orders);
        Assert.All(orders, e =>
        {
            Assert.True(Catalog.TryGetItem(e.Event.ItemId!, out var item));
            var quantity = e.Event.Amount!.Value / item.Price;
            Assert.Contains(quantity, new[] { 1m, 2m, 3m });
        });
    }

    [Fact]
    public void Stream_Events_TimesNonDecreasingAndInsideThePeriodPlusOneDay()
    {
        var times = Events.Select(static e => e.Event.Time).ToList();

        Assert.True(times.Zip(times.Skip(1)).All(static p => p.First <= p.Second), "out of order");
        Assert.True(times[0] >= Options.Start);
        Assert.True(times[^1] < Options.Start.AddDays(Options.Days + 1));
    }
}
