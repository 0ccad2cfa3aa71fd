using System.Globalization;
using QueryRec.Indexer.Aggregates;

namespace QueryRec.UnitTests.Indexer.Aggregates;

/// <summary>The rows of an aggregates directory, read through DuckDB in key order, for comparing two producers.</summary>
internal static class AggregateTables
{
    /// <summary>Each table's key columns (its rows are unique on them).</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["meta"] = "contract_version",
        ["queries"] = "query",
        ["query_categories"] = "query, category",
        ["transitions"] = "source, target",
        ["item_queries"] = "item, query",
        ["query_trend"] = "query, bucket_start",
    };

    /// <summary>Rows of a table (the producer column left out), ordered by key; each value as read.</summary>
    public static List<object?[]> Read(string directory, string table, out string[] names)
    {
        using var db = AggregateDatabase.Open(schema: false);
        using var command = db.Connection.CreateCommand();
        var columns = table == "meta" ? "* EXCLUDE (producer)" : "*";
        command.CommandText = $"SELECT {columns} FROM read_parquet({AggregateDatabase.Literal(AggregateDatabase.PathOf(directory, table))}) ORDER BY {Keys[table]}";
        using var reader = command.ExecuteReader();
        names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>
    /// The differences between two directories, table by table (at most a few per table): row counts, then values,
    /// doubles equal within <paramref name="relativeTolerance"/>.
    /// </summary>
    public static List<string> Differences(string expected, string actual, double relativeTolerance)
    {
        var problems = new List<string>();
        foreach (var table in AggregateDatabase.Tables)
        {
            var left = Read(expected, table, out var columns);
            var right = Read(actual, table, out var rightColumns);
            if (!columns.SequenceEqual(rightColumns))
            {
                problems.Add($"{table}: columns {string.Join(",", columns)} vs {string.Join(",", rightColumns)}");
                continue;
            }

            if (left.Count != right.Count)
            {
                problems.Add($"{table}: {left.Count} rows vs {right.Count}");
            }

            var shown = 0;
            for (var r = 0; r < Math.Min(left.Count, right.Count) && shown < 5; r++)
            {
                for (var c = 0; c < columns.Length; c++)
                {
                    if (!Same(left[r][c], right[r][c], relativeTolerance))
                    {
                        problems.Add($"{table} row {r} ({Show(left[r][0])}): {columns[c]} {Show(left[r][c])} vs {Show(right[r][c])}");
                        shown++;
                        break;
                    }
                }
            }
        }

        return problems;
    }

    private static bool Same(object? a, object? b, double tolerance)
        => (a, b) switch
        {
            (null, null) => true,
            (double x, double y) => Math.Abs(x - y) <= tolerance * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y))),
            _ => Equals(a, b),
        };

    private static string Show(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null";
}
