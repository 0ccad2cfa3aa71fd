using QueryRec.Indexer.Aggregates;
using QueryRec.Indexer.Build;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Aggregates;

/// <summary>sql/duckdb/aggregate.sql on embedded DuckDB against the C# aggregator, on messy simulated logs.</summary>
public sealed class SqlAggregationTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(2026)]
    public void Aggregate_SqlOnDuckDb_GivesTheCSharpAggregatorsTables(int seed)
    {
        using var dir = new TempDirectory();
        var (events, late) = MessyLog.Generate(seed);
        var log = MessyLog.Write(events, dir.File("log.jsonl"));
        var options = new BuildOptions();

        var csharp = AggregateWithCSharp(log, options, dir.File("csharp"));
        AggregateWithSql(log, options, dir.File("sql"));

        // The log exercises what the SQL must reproduce: late events, duplicates, fragments, empty queries,
        // unattributed clicks, and a bot session cut by the cap.
        Assert.True(late > 100, $"late events: {late}");
        Assert.True(csharp.DuplicateSearches > 0 && csharp.Fragments > 0 && csharp.EmptyQueries > 0 && csharp.UnattributedActions > 0, csharp.ToString());
        Assert.True(MessyLog.BotSearches > 2 * Sessionizer.MaxSessionEvents);
        var differences = AggregateTables.Differences(dir.File("csharp"), dir.File("sql"), Tolerance);
        Assert.True(differences.Count == 0, string.Join("\n", differences));
        Assert.NotEmpty(AggregateTables.Read(dir.File("sql"), "query_trend", out _));
    }

    [Fact]
    public void Build_FromSqlTables_SameRecordsAsFromTheLogButForRounding()
    {
        // Sums of doubles run in another order in SQL: the index is the log's up to the last bits of popularity.
        using var dir = new TempDirectory();
        var log = MessyLog.Write(MessyLog.Generate(12, users: 200).Events, dir.File("log.jsonl"));
        var options = new BuildOptions { Version = "v1" };
        AggregateWithSql(log, options, dir.File("sql"));
        var clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

        var fromSql = IndexBuilder.BuildFromAggregates(dir.File("sql"), options, clock);
        using var stream = File.OpenRead(log);
        var fromLog = IndexBuilder.BuildFromJsonl(stream, options, clock, e => Assert.Fail(e.Reason), null, CancellationToken.None);

        Assert.Equal(fromLog.Build.Records.Select(r => r.Key), fromSql.Build.Records.Select(r => r.Key));
        Assert.Equal(fromLog.Summary.QueriesKept, fromSql.Summary.QueriesKept);
        Assert.Equal(fromLog.Summary.RelatedPairs, fromSql.Summary.RelatedPairs);
    }

    [Fact]
    public void Aggregate_SessionGapChanged_TablesDiffer()
    {
        // The comparison can fail: the SQL with another session gap gives other tables.
        using var dir = new TempDirectory();
        var log = MessyLog.Write(MessyLog.Generate(5, users: 100).Events, dir.File("log.jsonl"));
        AggregateWithCSharp(log, new BuildOptions(), dir.File("csharp"));
        AggregateWithSql(log, new BuildOptions { SessionGap = TimeSpan.FromMinutes(5) }, dir.File("sql"));

        Assert.Contains(AggregateTables.Differences(dir.File("csharp"), dir.File("sql"), Tolerance), d => d.StartsWith("transitions", StringComparison.Ordinal));
    }

    internal static AggregateTotals AggregateWithCSharp(string log, BuildOptions options, string output)
    {
        using var stream = File.OpenRead(log);
        var agg = IndexBuilder.AggregateJsonl(stream, options, e => Assert.Fail(e.Reason), null, CancellationToken.None);
        AggregatesWriter.Write(agg, AggregationSettings.From(options), output);
        return agg.Totals();
    }

    internal static void AggregateWithSql(string log, BuildOptions options, string output)
    {
        using var db = AggregateDatabase.Open();
        using (var stager = new EventStager(db))
        using (var stream = File.OpenRead(log))
        {
            new JsonlFastReader(stager, e => Assert.Fail(e.Reason)).Read(stream, null, CancellationToken.None);
        }

        SqlAggregation.Run(db, AggregationSettings.From(options));
        db.CopyTo(output);
    }
}
