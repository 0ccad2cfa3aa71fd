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
/// separate parser and a separate normalization (Best Buy queries are ASCII).
/// </summary>
public sealed partial class BestBuyEndToEndTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private static string BestBuyPath => SharedData.Path("bestbuy", "bestbuy_search_clicks_2011-08-11_to_2011-10-14.csv");

    [Fact]
    public async Task Suggest_Gea_AfterImportBuildPublish_ReturnsGearsOfWar3FirstWithExpectedCounts()
    {
        var work = Directory.CreateTempSubdirectory("queryrec-bestbuy-").FullName;
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

        var expected = ExpectedCompletions("gea", minCount: 2, limit: 10);
        Assert.Equal("gears of war 3", response.Items[0].Text);
        Assert.Equal(expected.Select(e => e.Query), response.Items.Select(i => i.Text));
        Assert.Equal(expected.Select(e => (double)e.Count), response.Items.Select(i => i.Score));
        Assert.False(response.Metadata.Degraded);
        Assert.False(string.IsNullOrEmpty(response.Metadata.IndexVersion));
    }

    /// <summary>Counts searches per query straight from the CSV: one search per row.</summary>
    private static List<(string Query, long Count)> ExpectedCompletions(string prefix, int minCount, int limit)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var users = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var parser = new TextFieldParser(BestBuyPath) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields()!;
        var userColumn = Array.IndexOf(header, "user");
        var queryColumn = Array.IndexOf(header, "query");
        while (!parser.EndOfData)
        {
            var fields = parser.ReadFields()!;
            var query = Spaces().Replace(fields[queryColumn].Trim().ToLower(CultureInfo.InvariantCulture), " ");
            if (query.Length == 0)
            {
                continue;
            }

            counts[query] = counts.GetValueOrDefault(query) + 1;
            if (!users.TryGetValue(query, out var set))
            {
                users[query] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(fields[userColumn]);
        }

        return counts
            .Where(p => p.Value >= minCount && p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(p => p.Value)
            .ThenByDescending(p => users[p.Key].Count)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .Take(limit)
            .Select(p => (p.Key, p.Value))
            .ToList();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
