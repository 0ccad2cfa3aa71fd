using QueryRec.Indexer.Build;

namespace QueryRec.Indexer.Aggregates;

/// <summary>Writes the C# aggregator's state as the aggregate tables (sql/duckdb/schema.sql), one Parquet file each.</summary>
internal static class AggregatesWriter
{
    /// <summary>The producer named in the meta table.</summary>
    public const string Producer = "queryrec-indexer";

    /// <summary>Writes <paramref name="agg"/> (completed) to <paramref name="directory"/>.</summary>
    public static void Write(LogAggregator agg, AggregationSettings settings, string directory)
    {
        using var db = AggregateDatabase.Open();
        Fill(db, agg);
        db.WriteMeta(Producer, settings, agg.Totals());
        db.CopyTo(directory);
    }

    private static void Fill(AggregateDatabase db, LogAggregator agg)
    {
        var queries = agg.Queries;
        using (var appender = db.Connection.CreateAppender("queries"))
        {
            foreach (var q in queries)
            {
                appender.CreateRow()
                    .AppendValue(q.Text).AppendValue(q.Count).AppendValue((long)q.Users).AppendValue(q.Decayed)
                    .AppendValue(q.Clicks).AppendValue(q.Carts).AppendValue(q.Orders).AppendValue(q.Gmv)
                    .AppendValue(q.KnownResults).AppendValue(q.ZeroResults).AppendValue(q.ResultsSum)
                    .AppendValue((long)q.Sources).AppendValue((long)q.Targets)
                    .EndRow();
            }
        }

        using (var appender = db.Connection.CreateAppender("query_categories"))
        {
            foreach (var (key, clicks) in agg.CategoryClicks)
            {
                appender.CreateRow().AppendValue(queries[(int)(key >> 32)].Text).AppendValue(agg.CategoryNames[(int)(key & 0xFFFFFFFF)]).AppendValue((long)clicks).EndRow();
            }
        }

        using (var appender = db.Connection.CreateAppender("transitions"))
        {
            foreach (var (key, sessions) in agg.Transitions)
            {
                appender.CreateRow().AppendValue(queries[(int)(key >> 32)].Text).AppendValue(queries[(int)(key & 0xFFFFFFFF)].Text).AppendValue((long)sessions).EndRow();
            }
        }

        using (var appender = db.Connection.CreateAppender("item_queries"))
        {
            foreach (var (key, acc) in agg.ItemQueries)
            {
                appender.CreateRow()
                    .AppendValue(agg.ItemNames[(int)(key >> 32)]).AppendValue(queries[(int)(key & 0xFFFFFFFF)].Text)
                    .AppendValue((long)acc.Clicks).AppendValue((long)acc.Carts).AppendValue((long)acc.Orders)
                    .EndRow();
            }
        }

        var (first, last) = agg.TrendRange();
        using (var appender = db.Connection.CreateAppender("query_trend"))
        {
            foreach (var q in queries)
            {
                var trend = q.Trend;
                for (var i = 0; i < trend.Length; i++)
                {
                    var bucket = trend.Buckets![i];
                    if (bucket >= first && bucket <= last)
                    {
                        appender.CreateRow().AppendValue(q.Text).AppendValue(new DateTime(agg.BucketStartTicks(bucket), DateTimeKind.Utc)).AppendValue((long)trend.Counts![i]).EndRow();
                    }
                }
            }
        }
    }
}
