using QueryRec.Indexer.Import;
using QueryRec.Indexer.Simulate;

namespace QueryRec.UnitTests.Indexer.Aggregates;

/// <summary>
/// A simulated log made harder: late events (arriving up to 5 minutes after newer ones, within the build's max
/// disorder and inside their session), duplicate searches logged with a click, clicks before any search, searches
/// that normalize to nothing, and a bot whose one session is longer than the sessionizer's cap.
/// </summary>
internal static class MessyLog
{
    public const int BotSearches = 23_000;

    public static (List<LogEvent> Events, int Late) Generate(int seed, int users = 300)
    {
        var random = new Random(seed);
        var simulated = LogSimulator.Generate(new SimulationOptions { Seed = seed, Users = users, Days = 8 });
        var arrivals = new List<(DateTimeOffset Arrival, int Order, LogEvent Event)>();
        var late = 0;
        foreach (var e in simulated)
        {
            var arrival = e.Time;
            if (random.NextDouble() < 0.03)
            {
                arrival = e.Time.AddSeconds(random.Next(1, 300));
                late++;
            }

            Add(arrival, e);
            if (e.Type == LogEventType.Search && random.NextDouble() < 0.02)
            {
                Add(e.Time, e); // the same search logged again with its click
            }

            if (e.Type == LogEventType.Search && random.NextDouble() < 0.005)
            {
                Add(e.Time, e with { Query = "!!!" }); // normalizes to nothing
            }

            if (random.NextDouble() < 0.003)
            {
                // A click with no query, as its session's first event: unattributed.
                var t = e.Time.AddHours(-2);
                Add(t, new LogEvent(LogEventType.Click, "early" + arrivals.Count, string.Empty, t, "item-x", "cat-x"));
            }
        }

        // A bot: searches every 100 ms, cycling through queries, with a click now and then (one session, cut by the cap).
        var queries = simulated.Where(e => e.Type == LogEventType.Search).Select(e => e.Query).Distinct().Take(40).ToArray();
        var start = simulated[simulated.Count / 2].Time;
        for (var i = 0; i < BotSearches; i++)
        {
            var t = start.AddMilliseconds(100 * i);
            Add(t, new LogEvent(LogEventType.Search, "bot-1", queries[i % queries.Length], t, ResultCount: i % 7));
            if (i % 11 == 0)
            {
                Add(t, new LogEvent(LogEventType.Click, "bot-1", string.Empty, t, "item-" + (i % 13), "cat-" + (i % 3)));
            }
        }

        var events = arrivals.OrderBy(a => a.Arrival).ThenBy(a => a.Order).Select(a => a.Event).ToList();
        return (events, late);

        void Add(DateTimeOffset arrival, LogEvent e) => arrivals.Add((arrival, arrivals.Count, e));
    }

    /// <summary>Writes events as JSONL (the indexer's input).</summary>
    public static string Write(IEnumerable<LogEvent> events, string path)
    {
        using var stream = File.Create(path);
        using var writer = new JsonlEventWriter(stream);
        foreach (var e in events)
        {
            writer.Write(e);
        }

        return path;
    }
}
