using System.Data.Common;
using DuckDB.NET.Data;
using QueryRec.Core;
using QueryRec.Core.Normalization;
using QueryRec.Indexer.Build;

namespace QueryRec.Indexer.Aggregates;

/// <summary>
/// Reads the aggregate tables back (from any producer: the C# aggregator, the DuckDB or Spark SQL) into an
/// aggregator, checking every row; the build then puts them in key order (<see cref="LogAggregator.Canonical"/>).
/// A bad table gives an <see cref="InvalidDataException"/> naming the file, row and column.
/// </summary>
internal static class AggregatesReader
{
    /// <summary>The meta row of an aggregates directory: who made it, the settings that shaped it, the totals.</summary>
    public static (string Producer, AggregationSettings Settings, AggregateTotals Totals) ReadMeta(string directory)
    {
        using var db = AggregateDatabase.Open(schema: false);
        return ReadMeta(db, directory);
    }

    /// <summary>Loads every table of <paramref name="directory"/> into <paramref name="agg"/> (made with the meta's settings).</summary>
    public static void Load(string directory, LogAggregator agg)
    {
        using var db = AggregateDatabase.Open(schema: false);
        var (_, _, totals) = ReadMeta(db, directory);
        agg.LoadTotals(totals);
        var queries = new Dictionary<string, int>(StringComparer.Ordinal);
        Rows(db, directory, "queries", "query, searches, users, popularity, clicks, carts, orders, gmv, known_results, zero_results, results_sum, transition_sources, transition_targets", (r, row) =>
        {
            var text = Query(r, 0, row);
            var (id, added) = agg.LoadQuery(text);
            if (!added)
            {
                throw row.Bad("query", $"'{text}' appears twice");
            }

            queries.Add(text, id);
            var q = agg.Queries[id];
            q.Count = Count(r, 1, row);
            q.Users = Int(r, 2, row);
            q.Decayed = Finite(r, 3, row);
            q.Clicks = Count(r, 4, row);
            q.Carts = Count(r, 5, row);
            q.Orders = Count(r, 6, row);
            q.Gmv = Finite(r, 7, row);
            q.KnownResults = Count(r, 8, row);
            q.ZeroResults = Count(r, 9, row);
            q.ResultsSum = Count(r, 10, row);
            q.Sources = Int(r, 11, row);
            q.Targets = Int(r, 12, row);
        });

        var seen = new HashSet<long>(PairComparer.Instance);
        Rows(db, directory, "query_categories", "query, category, clicks", (r, row) =>
        {
            var key = Pair(KnownQuery(r, 0, row, queries), agg.LoadCategory(Id(r, 1, row)));
            Unique(seen, key, row);
            agg.CategoryClicks.Add(key, Int(r, 2, row));
        });

        seen.Clear();
        Rows(db, directory, "transitions", "source, target, sessions", (r, row) =>
        {
            var key = Pair(KnownQuery(r, 0, row, queries), KnownQuery(r, 1, row, queries));
            Unique(seen, key, row);
            agg.Transitions.Add(key, Int(r, 2, row));
        });

        seen.Clear();
        Rows(db, directory, "item_queries", "item, query, clicks, carts, orders", (r, row) =>
        {
            var key = Pair(agg.LoadItem(Id(r, 0, row)), KnownQuery(r, 1, row, queries));
            Unique(seen, key, row);
            agg.ItemQueries.Add(key, new ItemQueryAcc { Clicks = Int(r, 2, row), Carts = Int(r, 3, row), Orders = Int(r, 4, row) });
        });

        var (first, last) = agg.TrendRange();
        var trend = new HashSet<(int, long)>();
        Rows(db, directory, "query_trend", "query, bucket_start, searches", (r, row) =>
        {
            var query = KnownQuery(r, 0, row, queries);
            var start = Timestamp(r, 1, row).UtcTicks;
            var bucket = agg.BucketOf(start);
            if (bucket < first || bucket > last || agg.BucketStartTicks(bucket) != start)
            {
                throw row.Bad("bucket_start", "is not the start of a trend bucket in the window and baseline before the last event");
            }

            if (!trend.Add((query, start)))
            {
                throw row.Bad("bucket_start", "appears twice for the query");
            }

            agg.LoadTrend(query, start, Int(r, 2, row));
        });
    }

    private static (string, AggregationSettings, AggregateTotals) ReadMeta(AggregateDatabase db, string directory)
    {
        (string, AggregationSettings, AggregateTotals)? meta = null;
        Rows(db, directory, "meta", "contract_version, producer, last_event, session_gap_us, max_disorder_us, fragment_window_us, half_life_us, trend_window_us, trend_baseline_us, trend_bucket_us, events, search_events, click_events, cart_events, order_events, empty_queries, sessions, users, duplicate_searches, fragments, final_searches, unattributed_actions, transition_sessions", (r, row) =>
        {
            if (meta is not null)
            {
                throw row.Bad("contract_version", "meta holds more than one row");
            }

            var version = Int(r, 0, row);
            if (version != AggregateDatabase.ContractVersion)
            {
                throw row.Bad("contract_version", $"is {version}; this indexer reads version {AggregateDatabase.ContractVersion}");
            }

            var settings = new AggregationSettings
            {
                SessionGap = Duration(r, 3, row),
                MaxDisorder = Duration(r, 4, row),
                FragmentWindow = Duration(r, 5, row),
                HalfLife = Duration(r, 6, row),
                TrendWindow = Duration(r, 7, row),
                TrendBaseline = Duration(r, 8, row),
            };
            var problems = settings.ApplyTo(new BuildOptions()).Validate();
            if (problems.Count > 0)
            {
                throw row.Bad("session_gap_us", string.Join(" ", problems));
            }

            if (Duration(r, 9, row) != settings.TrendBucket)
            {
                throw row.Bad("trend_bucket_us", $"must be {AggregateDatabase.Micros(settings.TrendBucket)} for these trend windows");
            }

            var totals = new AggregateTotals
            {
                LastEvent = r.IsDBNull(2) ? null : Timestamp(r, 2, row),
                Events = Count(r, 10, row),
                SearchEvents = Count(r, 11, row),
                ClickEvents = Count(r, 12, row),
                CartEvents = Count(r, 13, row),
                OrderEvents = Count(r, 14, row),
                EmptyQueries = Count(r, 15, row),
                Sessions = Count(r, 16, row),
                Users = Int(r, 17, row),
                DuplicateSearches = Count(r, 18, row),
                Fragments = Count(r, 19, row),
                FinalSearches = Count(r, 20, row),
                UnattributedActions = Count(r, 21, row),
                TransitionSessions = Count(r, 22, row),
            };
            meta = (Text(r, 1, row, 256), settings, totals);
        });

        return meta ?? throw new InvalidDataException($"{AggregateDatabase.PathOf(directory, "meta")}: no row.");
    }

    /// <summary>Calls <paramref name="read"/> for each row of a table, columns in the order given.</summary>
    private static void Rows(AggregateDatabase db, string directory, string table, string columns, Action<DbDataReader, RowRef> read)
    {
        // One file per table, or a directory of part files (as Spark writes them).
        var path = AggregateDatabase.PathOf(directory, table);
        var parts = Path.Combine(directory, table);
        string source;
        if (File.Exists(path))
        {
            source = AggregateDatabase.Literal(path);
        }
        else if (Directory.Exists(parts) && Directory.EnumerateFiles(parts, "*.parquet").Any())
        {
            path = parts;
            source = AggregateDatabase.Literal(Path.Combine(parts, "*.parquet"));
        }
        else
        {
            throw new InvalidDataException($"{path}: not found (an aggregates directory holds {string.Join(", ", AggregateDatabase.Tables.Select(t => t + ".parquet"))}, or a directory of .parquet parts for each).");
        }

        using var command = db.Connection.CreateCommand();
        command.CommandText = $"SELECT {columns}, file_row_number, filename FROM read_parquet({source}, file_row_number = true, filename = true)";
        try
        {
            using var reader = command.ExecuteReader();
            var rowColumn = reader.FieldCount - 2;
            var names = columns.Split(", ");
            while (reader.Read())
            {
                read(reader, new RowRef(reader.GetString(rowColumn + 1), reader.GetInt64(rowColumn) + 1, names));
            }
        }
        catch (DuckDBException ex)
        {
            throw new InvalidDataException($"{path}: {AggregateDatabase.Describe(ex)}", ex);
        }
        catch (InvalidCastException ex)
        {
            throw new InvalidDataException($"{path}: a column has the wrong type ({ex.Message}); see docs/data-formats.md", ex);
        }
    }

    private static long Pair(int a, int b) => ((long)a << 32) | (uint)b;

    private static void Unique(HashSet<long> seen, long key, RowRef row)
    {
        if (!seen.Add(key))
        {
            throw row.Bad(row.Names[0], "the key appears twice");
        }
    }

    private static string Query(DbDataReader r, int i, RowRef row)
    {
        var text = Text(r, i, row, Limits.MaxQueryLength);
        if (text.Length == 0 || !string.Equals(QueryNormalizer.Normalize(text), text, StringComparison.Ordinal))
        {
            throw row.Bad(row.Names[i], $"'{text}' is not a normalized query (QueryNormalizer)");
        }

        return text;
    }

    private static int KnownQuery(DbDataReader r, int i, RowRef row, Dictionary<string, int> queries)
    {
        var text = Text(r, i, row, Limits.MaxQueryLength);
        return queries.TryGetValue(text, out var id) ? id : throw row.Bad(row.Names[i], $"'{text}' is not in queries.parquet");
    }

    private static string Id(DbDataReader r, int i, RowRef row)
    {
        var text = Text(r, i, row, Limits.MaxIdLength);
        return text.Length > 0 ? text : throw row.Bad(row.Names[i], "is empty");
    }

    private static string Text(DbDataReader r, int i, RowRef row, int maxLength)
    {
        var text = NotNull(r, i, row).GetString(i);
        return text.Length <= maxLength ? text : throw row.Bad(row.Names[i], $"is longer than {maxLength} characters");
    }

    private static long Count(DbDataReader r, int i, RowRef row)
    {
        var value = NotNull(r, i, row).GetInt64(i);
        return value >= 0 ? value : throw row.Bad(row.Names[i], $"is negative ({value})");
    }

    private static int Int(DbDataReader r, int i, RowRef row)
    {
        var value = Count(r, i, row);
        return value <= int.MaxValue ? (int)value : throw row.Bad(row.Names[i], $"is larger than {int.MaxValue}");
    }

    private static double Finite(DbDataReader r, int i, RowRef row)
    {
        var value = NotNull(r, i, row).GetDouble(i);
        return double.IsFinite(value) && value >= 0 ? value : throw row.Bad(row.Names[i], $"must be finite and not negative (got {value})");
    }

    private static TimeSpan Duration(DbDataReader r, int i, RowRef row) => TimeSpan.FromMicroseconds(Count(r, i, row));

    private static DateTimeOffset Timestamp(DbDataReader r, int i, RowRef row)
        => new(DateTime.SpecifyKind(NotNull(r, i, row).GetDateTime(i), DateTimeKind.Utc));

    private static DbDataReader NotNull(DbDataReader r, int i, RowRef row)
        => r.IsDBNull(i) ? throw row.Bad(row.Names[i], "is null") : r;

    /// <summary>A row of a table file, for messages (1-based, as stored).</summary>
    private readonly record struct RowRef(string Path, long Number, string[] Names)
    {
        public InvalidDataException Bad(string column, string problem) => new($"{Path}: row {Number}: column {column} {problem}.");
    }
}
