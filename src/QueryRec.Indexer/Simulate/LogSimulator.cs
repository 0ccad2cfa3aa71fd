using System.Globalization;
using QueryRec.Indexer.Import;

namespace QueryRec.Indexer.Simulate;

/// <summary>
/// A minimal, seeded storefront log generator: users run sessions over a few days; each session has a few
/// searches with Zipf-distributed query popularity, clicks on items of the query's category, some carts
/// and orders. Deterministic for a seed; the events come out sorted by time.
/// </summary>
public static class LogSimulator
{
    private const double ZipfExponent = 1.05;

    /// <summary>Generates the events.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static IReadOnlyList<LogEvent> Generate(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var random = new Random(options.Seed);
        var vocabulary = Catalog.BuildVocabulary();

        // Popularity rank is a seeded shuffle of the vocabulary, so different seeds favour different queries.
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(vocabulary));
        var cumulative = new double[vocabulary.Count];
        var total = 0.0;
        for (var i = 0; i < vocabulary.Count; i++)
        {
            total += 1.0 / Math.Pow(i + 1, ZipfExponent);
            cumulative[i] = total;
        }

        var events = new List<LogEvent>(options.Users * options.SessionsPerUser * 6);
        var periodSeconds = options.Days * 86_400;
        for (var u = 0; u < options.Users; u++)
        {
            var user = "sim-u" + u.ToString("D5", CultureInfo.InvariantCulture);
            var sessions = 1 + random.Next(2 * options.SessionsPerUser - 1); // mean = SessionsPerUser
            for (var s = 0; s < sessions; s++)
            {
                var time = options.Start.AddSeconds(random.Next(periodSeconds));
                var searches = 1 + random.Next(3);
                for (var k = 0; k < searches; k++)
                {
                    var query = vocabulary[Sample(random, cumulative, total)];
                    var results = random.Next(10) == 0 ? 0 : 5 + random.Next(200);
                    events.Add(new LogEvent(LogEventType.Search, user, query.Text, time, ResultCount: results));
                    time = time.AddSeconds(3 + random.Next(20));
                    if (results == 0 || random.NextDouble() > 0.65)
                    {
                        time = time.AddSeconds(10 + random.Next(60));
                        continue;
                    }

                    var item = query.Category.Id.Replace("cat-", "sku-", StringComparison.Ordinal) + "-" + random.Next(Catalog.ItemsPerCategory).ToString("D3", CultureInfo.InvariantCulture);
                    events.Add(new LogEvent(LogEventType.Click, user, query.Text, time, item, query.Category.Id));
                    time = time.AddSeconds(20 + random.Next(120));
                    if (random.NextDouble() < 0.25)
                    {
                        events.Add(new LogEvent(LogEventType.Cart, user, query.Text, time, item, query.Category.Id));
                        time = time.AddSeconds(30 + random.Next(300));
                        if (random.NextDouble() < 0.4)
                        {
                            var c = query.Category;
                            var amount = Math.Round(c.MinPrice + ((c.MaxPrice - c.MinPrice) * (decimal)random.NextDouble()), 2);
                            events.Add(new LogEvent(LogEventType.Order, user, query.Text, time, item, c.Id, Amount: amount));
                            time = time.AddSeconds(60);
                        }
                    }
                }
            }
        }

        // Stable sort: equal times keep generation order, so the output stays deterministic.
        return [.. events.OrderBy(static e => e.Time)];
    }

    private static int Sample(Random random, double[] cumulative, double total)
    {
        var x = random.NextDouble() * total;
        var index = Array.BinarySearch(cumulative, x);
        index = index < 0 ? ~index : index;
        return Math.Min(index, cumulative.Length - 1);
    }
}
