using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.VisualBasic.FileIO;
using QueryRec.Contracts.V1;
using QueryRec.FunctionalTests.Infrastructure;
using QueryRec.Indexer.Commands;
using QueryRec.TestSupport;

namespace QueryRec.FunctionalTests.EndToEnd;

/// <summary>
/// The whole path on real data: import the Best Buy search-click log, build the index, publish it to a
/// real Redis, and ask the gRPC service. The expected completions are computed here from the CSV with a
/// separate parser and a separate normalization (Best Buy queries are ASCII), punctuation rules included.
/// </summary>
public sealed partial class BestBuyEndToEndTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static string BestBuyPath => SharedData.BestBuyCsv;

    [SharedDataFact(SharedData.BestBuyCsvFile)]
    public async Task Suggest_Gea_AfterImportBuildPublish_ReturnsGearsOfWar3FirstWithExpectedPopularity()
    {
        var work = TempDirectories.Create("queryrec-bestbuy-");
        var events = Path.Combine(work, "events.jsonl");
        var index = Path.Combine(work, "index.qrx");
        var keyPrefix = RedisServerFixture.NewKeyPrefix();
        var output = new StringWriter();

        Assert.Equal(0, await IndexerCli.RunAsync(["import", "--format", "bestbuy", "--input", BestBuyPath, "--output", events], output, output));
        Assert.Equal(0, await IndexerCli.RunAsync(["build", "--input", events, "--output", index], output, output));
        Assert.Equal(0, await IndexerCli.RunAsync(["publish", "--index", index, "--redis", redis.ConnectionString, "--key-prefix", keyPrefix], output, output));

        using var factory = QueryRecFactory.Redis(redis.ConnectionString, keyPrefix, storeBudget: TimeSpan.FromSeconds(2));
        var client = factory.CreateClient(factory.CreateChannel());
        var response = await client.SuggestAsync(new SuggestRequest { Prefix = "gea" });

        // The prefix node holds the top 10; forms that differ only by spacing or a plural ("gears of war3",
        // "gears of wars") collapse into the more popular one, and the room left goes to other match types
        // (infix), which rank after every prefix item.
        static string Folded(string q) => string.Concat(q.Split(' ').Select(w => w.TrimEnd('s')));
        var top = ExpectedCompletions("gea", minCount: 2, limit: 10);
        var expected = top.Where((e, i) => !top.Take(i).Any(b => Folded(b.Query) == Folded(e.Query))).ToList();
        var prefixItems = response.Items.TakeWhile(i => i.Sources.Contains(Source.Prefix)).ToList();
        Assert.Equal("gears of war 3", response.Items[0].Text);
        Assert.Equal(expected.Select(e => e.Query), prefixItems.Select(i => i.Text));
        // At least the top-10 forms folded away; word-order variants found by other tables may fold in too.
        Assert.True(prefixItems.Sum(i => i.CollapsedVariants) >= top.Count - expected.Count);
        Assert.Equal(10, response.Items.Count);
        Assert.All(response.Items.Skip(prefixItems.Count), i => Assert.DoesNotContain(Source.Prefix, i.Sources));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Popularity, prefixItems[i].Score, 9);
        }

        Assert.False(response.Metadata.Degraded);
        Assert.False(string.IsNullOrEmpty(response.Metadata.IndexVersion));
    }

    /// <summary>
    /// Straight from the CSV: a search is a distinct (user, query, query_time), since the log repeats the search on
    /// every row of its clicks; popularity = Σ 2^−(T − t)/7 days over those searches, T = the last query or click
    /// time of the log (docs/indexer-build.md). Ranked by popularity, distinct users, text; at least minCount searches.
    /// </summary>
    private static List<(string Query, double Popularity)> ExpectedCompletions(string prefix, int minCount, int limit)
    {
        var searches = new HashSet<(string User, string Query, DateTime Time)>();
        var last = DateTime.MinValue;
        using var parser = new TextFieldParser(BestBuyPath) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        var userColumn = Array.IndexOf(header, "user");
        var queryColumn = Array.IndexOf(header, "query");
        var queryTimeColumn = Array.IndexOf(header, "query_time");
        var clickTimeColumn = Array.IndexOf(header, "click_time");
        while (!parser.EndOfData)
        {
            var fields = parser.ReadFields()!;
            var queryTime = DateTime.Parse(fields[queryTimeColumn], CultureInfo.InvariantCulture);
            var clickTime = DateTime.Parse(fields[clickTimeColumn], CultureInfo.InvariantCulture);
            last = new[] { last, queryTime, clickTime }.Max();
            var query = Spaces().Replace(Punctuation().Replace(fields[queryColumn].ToLower(CultureInfo.InvariantCulture), " "), " ").Trim();
            if (query.Length > 0)
            {
                searches.Add((fields[userColumn], query, queryTime));
            }
        }

        var halfLife = TimeSpan.FromDays(7).Ticks;
        return searches
            .GroupBy(s => s.Query)
            .Where(g => g.Count() >= minCount && g.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(g => (Query: g.Key, Popularity: g.Sum(s => Math.Pow(2, -(double)(last - s.Time).Ticks / halfLife)), Users: g.Select(s => s.User).Distinct().Count()))
            .OrderByDescending(p => p.Popularity)
            .ThenByDescending(p => p.Users)
            .ThenBy(p => p.Query, StringComparer.Ordinal)
            .Take(limit)
            .Select(p => (p.Query, p.Popularity))
            .ToList();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>
    /// The punctuation rules of docs/matching.md for ASCII text, written independently: punctuation becomes a space
    /// except "." and "*" between digits, "-&'/_" between letters or digits, "+#" after a letter, digit or kept "+#", "%" after a digit.
    /// </summary>
    [GeneratedRegex(@"(?<![0-9])[.*]|[.*](?![0-9])|(?<![a-z0-9])[-&'/_]|[-&'/_](?![a-z0-9])|(?<![a-z0-9][+#]*)[+#]|(?<![0-9])%|[^a-z0-9\s.*\-&'/_+#%]")]
    private static partial Regex Punctuation();
}
