namespace QueryRec.Indexer.Aggregates;

/// <summary>The DuckDB scripts of <c>sql/duckdb</c>, embedded in the indexer.</summary>
internal static class SqlScripts
{
    /// <summary>The tables of the aggregates contract.</summary>
    public static string Schema { get; } = Load("schema.sql");

    /// <summary>The input table of the SQL aggregation: normalized events.</summary>
    public static string Events { get; } = Load("events.sql");

    /// <summary>The SQL aggregation.</summary>
    public static string Aggregate { get; } = Load("aggregate.sql");

    private static string Load(string name)
    {
        using var stream = typeof(SqlScripts).Assembly.GetManifestResourceStream("sql/duckdb/" + name)
            ?? throw new InvalidOperationException($"sql/duckdb/{name} is not embedded in the indexer.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
