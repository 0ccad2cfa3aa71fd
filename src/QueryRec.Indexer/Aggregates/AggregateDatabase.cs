using System.Globalization;
using DuckDB.NET.Data;

namespace QueryRec.Indexer.Aggregates;

/// <summary>
/// An embedded, in-memory DuckDB holding the tables of the aggregates contract (sql/duckdb/schema.sql): filled by
/// the C# aggregator or by the SQL aggregation, then copied out as one Parquet file per table.
/// </summary>
internal sealed class AggregateDatabase : IDisposable
{
    /// <summary>The version of the tables' schemas (docs/data-formats.md); a reader refuses any other.</summary>
    public const int ContractVersion = 1;

    /// <summary>The tables, each written to <c>{name}.parquet</c>; meta goes last, so a directory with it is complete.</summary>
    public static readonly IReadOnlyList<string> Tables = ["queries", "query_categories", "transitions", "item_queries", "query_trend", "meta"];

    private AggregateDatabase(DuckDBConnection connection) => Connection = connection;

    public DuckDBConnection Connection { get; }

    /// <summary>Opens an empty database; with <paramref name="schema"/>, the contract's tables are created.</summary>
    public static AggregateDatabase Open(bool schema = true)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var db = new AggregateDatabase(connection);
        if (schema)
        {
            db.Execute(SqlScripts.Schema);
        }

        return db;
    }

    public void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>The meta row: the contract version, who made the tables, the settings that shaped them and the totals.</summary>
    public void WriteMeta(string producer, AggregationSettings settings, AggregateTotals totals)
    {
        long[] values =
        [
            Micros(settings.SessionGap), Micros(settings.MaxDisorder), Micros(settings.FragmentWindow), Micros(settings.HalfLife),
            Micros(settings.TrendWindow), Micros(settings.TrendBaseline), Micros(settings.TrendBucket),
            totals.Events, totals.SearchEvents, totals.ClickEvents, totals.CartEvents, totals.OrderEvents, totals.EmptyQueries,
            totals.Sessions, totals.Users, totals.DuplicateSearches, totals.Fragments, totals.FinalSearches,
            totals.UnattributedActions, totals.TransitionSessions,
        ];
        var lastEvent = totals.LastEvent is { } last ? $"make_timestamp({(last.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond})" : "NULL";
        Execute($"INSERT INTO meta VALUES ({ContractVersion}, {Literal(producer)}, {lastEvent}, {string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture)))})");
    }

    /// <summary>Writes every table to <paramref name="directory"/> as <c>{table}.parquet</c> (zstd), meta last.</summary>
    public void CopyTo(string directory)
    {
        Directory.CreateDirectory(directory);
        var meta = PathOf(directory, "meta");
        if (File.Exists(meta))
        {
            File.Delete(meta); // until the new meta is written, the directory is not a complete set of tables
        }

        foreach (var table in Tables)
        {
            Execute($"COPY {table} TO {Literal(PathOf(directory, table))} (FORMAT parquet, COMPRESSION zstd)");
        }
    }

    /// <summary>The file of a table in an aggregates directory.</summary>
    public static string PathOf(string directory, string table) => Path.Combine(directory, table + ".parquet");

    /// <summary>A SQL string literal.</summary>
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>The first line of a DuckDB error (its message adds the statement and a caret on further lines).</summary>
    public static string Describe(DuckDBException ex) => ex.Message.Split('\n', 2)[0].Trim();

    public static long Micros(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    public void Dispose() => Connection.Dispose();
}
