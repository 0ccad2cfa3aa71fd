using QueryRec.Indexer.Aggregates;
using QueryRec.Indexer.Build;
using QueryRec.Storage;
using QueryRec.UnitTests.Indexer.Commands;
using QueryRec.UnitTests.TestHelpers;

namespace QueryRec.UnitTests.Indexer.Aggregates;

/// <summary>The aggregates contract: tables written, read back and built from give what the log gives.</summary>
public sealed class AggregatesRoundTripTests : IDisposable
{
    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 11, 29, 10, 15, 0, TimeSpan.Zero));

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void Build_FromAggregates_GivesTheChecksumOfTheBuildFromTheLog(int seed)
    {
        var log = MessyLog.Write(MessyLog.Generate(seed).Events, _dir.File("log.jsonl"));
        var options = new BuildOptions { MinCount = 2, Version = "v1" };
        SqlAggregationTests.AggregateWithCSharp(log, options, _dir.File("tables"));

        var fromLog = BuildFromLog(log, options);
        var fromTables = IndexBuilder.BuildFromAggregates(_dir.File("tables"), AggregatesReader.ReadMeta(_dir.File("tables")).Settings.ApplyTo(options), Clock);

        Assert.True(fromLog.Build.Records.Count > 1000);
        Assert.Equal(fromLog.Build.Records.Select(r => r.Key), fromTables.Build.Records.Select(r => r.Key));
        Assert.Equal(fromLog.Build.Manifest.Checksum, fromTables.Build.Manifest.Checksum);
        Assert.Equal(fromLog.Summary with { ReadSeconds = 0, AggregateSeconds = 0, OutputSeconds = 0, OutputPhaseSeconds = [], PeakOpenSessions = 0 }, fromTables.Summary with { ReadSeconds = 0, AggregateSeconds = 0, OutputSeconds = 0, OutputPhaseSeconds = [] });
    }

    [Fact]
    public void Build_FromTablesAsDirectoriesOfParts_GivesTheSameChecksum()
    {
        // Spark writes a table as a directory of part files: queries/part-0.parquet, ...
        var log = MessyLog.Write(MessyLog.Generate(6, users: 100).Events, _dir.File("log.jsonl"));
        var options = new BuildOptions { Version = "v1" };
        SqlAggregationTests.AggregateWithCSharp(log, options, _dir.File("files"));
        using (var db = AggregateDatabase.Open(schema: false))
        {
            foreach (var table in AggregateDatabase.Tables)
            {
                Directory.CreateDirectory(Path.Combine(_dir.File("parts"), table));
                var all = AggregateDatabase.Literal(AggregateDatabase.PathOf(_dir.File("files"), table));
                db.Execute($"COPY (SELECT * FROM read_parquet({all}) LIMIT 100) TO {AggregateDatabase.Literal(Path.Combine(_dir.File("parts"), table, "part-0.parquet"))} (FORMAT parquet)");
                db.Execute($"COPY (SELECT * FROM read_parquet({all}) OFFSET 100) TO {AggregateDatabase.Literal(Path.Combine(_dir.File("parts"), table, "part-1.parquet"))} (FORMAT parquet)");
            }
        }

        var fromFiles = IndexBuilder.BuildFromAggregates(_dir.File("files"), options, Clock);
        var fromParts = IndexBuilder.BuildFromAggregates(_dir.File("parts"), options, Clock);

        Assert.Equal(fromFiles.Build.Manifest.Checksum, fromParts.Build.Manifest.Checksum);
    }

    [Fact]
    public void Build_FromAggregatesWithOtherHalfLife_ChecksumDiffers()
    {
        // The checksum comparison above can fail: tables aggregated with another half-life give another index.
        var log = MessyLog.Write(MessyLog.Generate(3, users: 100).Events, _dir.File("log.jsonl"));
        var options = new BuildOptions { Version = "v1" };
        SqlAggregationTests.AggregateWithCSharp(log, options with { HalfLife = TimeSpan.FromDays(2) }, _dir.File("tables"));

        var fromTables = IndexBuilder.BuildFromAggregates(_dir.File("tables"), AggregatesReader.ReadMeta(_dir.File("tables")).Settings.ApplyTo(options), Clock);

        Assert.NotEqual(BuildFromLog(log, options).Build.Manifest.Checksum, fromTables.Build.Manifest.Checksum);
    }

    [Fact]
    public void Aggregates_ReadBackAndWrittenAgain_EveryTableIsEqual()
    {
        var log = MessyLog.Write(MessyLog.Generate(4, users: 150).Events, _dir.File("log.jsonl"));
        var options = new BuildOptions();
        SqlAggregationTests.AggregateWithCSharp(log, options, _dir.File("first"));

        var agg = new LogAggregator(options);
        AggregatesReader.Load(_dir.File("first"), agg);
        AggregatesWriter.Write(agg, AggregationSettings.From(options), _dir.File("second"));

        foreach (var table in AggregateDatabase.Tables)
        {
            Assert.NotEmpty(AggregateTables.Read(_dir.File("second"), table, out _));
        }

        Assert.Empty(AggregateTables.Differences(_dir.File("first"), _dir.File("second"), relativeTolerance: 0));
    }

    [Theory]
    [InlineData("meta", "SELECT * REPLACE (2 AS contract_version)", "row 1: column contract_version is 2")]
    [InlineData("queries", "SELECT * REPLACE (CASE WHEN query = (SELECT min(query) FROM t) THEN upper(query) || ' X' ELSE query END AS query)", "is not a normalized query")]
    [InlineData("queries", "SELECT * FROM t UNION ALL (SELECT * FROM t LIMIT 1)", "appears twice")]
    [InlineData("transitions", "SELECT * REPLACE ('never searched' AS source)", "column source 'never searched' is not in queries.parquet")]
    [InlineData("item_queries", "SELECT * REPLACE (-1 AS clicks)", "column clicks is negative")]
    [InlineData("query_trend", "SELECT * REPLACE (bucket_start + INTERVAL 1 MINUTE AS bucket_start)", "is not the start of a trend bucket")]
    [InlineData("query_categories", "SELECT * EXCLUDE (clicks)", "clicks")]
    public void Load_BadTable_RefusesNamingFileRowAndColumn(string table, string rewrite, string expected)
    {
        var log = MessyLog.Write(MessyLog.Generate(4, users: 60).Events, _dir.File("log.jsonl"));
        var tables = _dir.File("tables");
        SqlAggregationTests.AggregateWithCSharp(log, new BuildOptions(), tables);
        Rewrite(tables, table, rewrite);

        var ex = Assert.Throws<InvalidDataException>(() => AggregatesReader.Load(tables, new LogAggregator(new BuildOptions())));

        Assert.Contains(table + ".parquet", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingTable_RefusesNamingIt()
    {
        var log = MessyLog.Write(MessyLog.Generate(4, users: 60).Events, _dir.File("log.jsonl"));
        SqlAggregationTests.AggregateWithCSharp(log, new BuildOptions(), _dir.File("tables"));
        File.Delete(AggregateDatabase.PathOf(_dir.File("tables"), "transitions"));

        var ex = Assert.Throws<InvalidDataException>(() => AggregatesReader.Load(_dir.File("tables"), new LogAggregator(new BuildOptions())));

        Assert.Contains("transitions.parquet: not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_AggregateThenBuildFromAggregates_SameChecksumAsBuildFromLog()
    {
        var log = MessyLog.Write(MessyLog.Generate(8, users: 120).Events, _dir.File("log.jsonl"));

        var aggregate = await IndexerCliTests.Run("aggregate", "--input", log, "--output", _dir.File("tables"), "--half-life", "3.00:00:00");
        var fromTables = await IndexerCliTests.Run("build", "--aggregates", _dir.File("tables"), "--output", _dir.File("a.qrx"));
        var fromLog = await IndexerCliTests.Run("build", "--input", log, "--output", _dir.File("b.qrx"), "--half-life", "3.00:00:00");

        Assert.Equal((0, 0, 0), (aggregate.Code, fromTables.Code, fromLog.Code));
        Assert.Equal(IndexFile.ReadFile(_dir.File("b.qrx")).Manifest.Checksum, IndexFile.ReadFile(_dir.File("a.qrx")).Manifest.Checksum);
    }

    [Fact]
    public async Task Cli_BuildFromAggregatesWithAShapingOption_Refused()
    {
        var (code, _, stderr) = await IndexerCliTests.Run("build", "--aggregates", _dir.Path, "--output", _dir.File("a.qrx"), "--session-gap", "00:10:00");

        Assert.Equal(1, code);
        Assert.Contains("--session-gap shapes the aggregate tables", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_BuildFromDirectoryWithoutTables_OneLineError()
    {
        var (code, _, stderr) = await IndexerCliTests.Run("build", "--aggregates", _dir.Path, "--output", _dir.File("a.qrx"));

        Assert.Equal(1, code);
        Assert.Contains("meta.parquet: not found", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private static BuildResult BuildFromLog(string log, BuildOptions options)
    {
        using var stream = File.OpenRead(log);
        return IndexBuilder.BuildFromJsonl(stream, options, Clock, e => Assert.Fail(e.Reason), null, CancellationToken.None);
    }

    private static void Rewrite(string directory, string table, string select)
    {
        var path = AggregateDatabase.PathOf(directory, table);
        using var db = AggregateDatabase.Open(schema: false);
        db.Execute($"CREATE TABLE t AS SELECT * FROM read_parquet({AggregateDatabase.Literal(path)})");
        var query = select.StartsWith("SELECT * FROM", StringComparison.Ordinal) ? $"({select})" : $"{select} FROM t";
        db.Execute($"COPY ({query}) TO {AggregateDatabase.Literal(path)} (FORMAT parquet)");
    }
}
