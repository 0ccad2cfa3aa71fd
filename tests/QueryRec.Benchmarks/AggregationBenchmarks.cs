using System.Globalization;
using BenchmarkDotNet.Attributes;
using QueryRec.Indexer.Aggregates;
using QueryRec.Indexer.Build;
using QueryRec.Indexer.Simulate;

namespace QueryRec.Benchmarks;

/// <summary>
/// Aggregation rate (issue #27): the C# streaming aggregator (the baseline; one core: read, parse, normalize,
/// sessionize, aggregate) against sql/duckdb/aggregate.sql on embedded DuckDB (all cores) over the same simulated
/// log, in the same run. Events: QR_BENCH_AGG_EVENTS (default 1,000,000); the log is simulated once and kept in
/// the temp directory. The SQL reads normalized events (its input contract), staged once in the setup as Parquet;
/// the third case adds that staging (parse and normalize in C#, append to DuckDB), i.e. <c>aggregate --engine duckdb</c>
/// without the table write.
/// </summary>
[MemoryDiagnoser]
public class AggregationBenchmarks
{
    private readonly BuildOptions _options = new();
    private string _log = null!;
    private string _events = null!;

    /// <summary>Events in the simulated log.</summary>
    public static long Events { get; } = long.TryParse(Environment.GetEnvironmentVariable("QR_BENCH_AGG_EVENTS"), CultureInfo.InvariantCulture, out var n) ? n : 1_000_000;

    [GlobalSetup]
    public void Setup()
    {
        var dir = Path.Combine(Path.GetTempPath(), "queryrec-bench");
        Directory.CreateDirectory(dir);
        _log = Path.Combine(dir, $"aggregation-{Events}.jsonl");
        _events = Path.Combine(dir, $"aggregation-{Events}.events.parquet");
        if (!File.Exists(_log))
        {
            using var output = File.Create(_log + ".tmp");
            LogSimulator.Write(new SimulationOptions { Seed = 27, TargetEvents = Events }, output);
            output.Close();
            File.Move(_log + ".tmp", _log);
        }

        using var db = AggregateDatabase.Open(schema: false);
        Stage(db);
        db.Execute($"COPY events TO {AggregateDatabase.Literal(_events)} (FORMAT parquet)");
        using var command = db.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM events";
        Console.WriteLine($"// aggregation log: {command.ExecuteScalar()} events, {new FileInfo(_log).Length:N0} bytes");
    }

    [Benchmark(Baseline = true, Description = "C# aggregator: JSONL -> tables in memory (1 core)")]
    public long CSharp()
    {
        using var stream = File.OpenRead(_log);
        var agg = IndexBuilder.AggregateJsonl(stream, _options, static _ => { }, null, CancellationToken.None);
        return agg.Totals().FinalSearches;
    }

    [Benchmark(Description = "DuckDB SQL: normalized events (Parquet) -> tables")]
    public long DuckDbSql()
    {
        using var db = AggregateDatabase.Open();
        db.Execute(SqlScripts.Events);
        db.Execute($"INSERT INTO events SELECT * FROM read_parquet({AggregateDatabase.Literal(_events)})");
        SqlAggregation.Run(db, AggregationSettings.From(_options));
        return Count(db, "queries");
    }

    [Benchmark(Description = "DuckDB SQL incl. staging: JSONL -> normalized events -> tables")]
    public long DuckDbWithStaging()
    {
        using var db = AggregateDatabase.Open();
        Stage(db);
        SqlAggregation.Run(db, AggregationSettings.From(_options));
        return Count(db, "queries");
    }

    private void Stage(AggregateDatabase db)
    {
        using var stager = new EventStager(db);
        using var stream = File.OpenRead(_log);
        new JsonlFastReader(stager, static _ => { }).Read(stream, null, CancellationToken.None);
    }

    private static long Count(AggregateDatabase db, string table)
    {
        using var command = db.Connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM {table}";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
