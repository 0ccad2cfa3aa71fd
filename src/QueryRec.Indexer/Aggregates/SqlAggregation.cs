using System.Globalization;

namespace QueryRec.Indexer.Aggregates;

/// <summary>
/// Runs the SQL aggregation (sql/duckdb/aggregate.sql) on embedded DuckDB over the staged events
/// (<see cref="EventStager"/>), filling the contract's tables, meta included.
/// </summary>
internal static class SqlAggregation
{
    /// <summary>The producer named in the meta table.</summary>
    public const string Producer = "duckdb-sql";

    public static void Run(AggregateDatabase db, AggregationSettings settings) => Run(db, settings, SqlScripts.Aggregate);

    /// <summary>Runs <paramref name="script"/> (an aggregation with the input and output tables of aggregate.sql).</summary>
    public static void Run(AggregateDatabase db, AggregationSettings settings, string script)
    {
        string Us(TimeSpan span) => AggregateDatabase.Micros(span).ToString(CultureInfo.InvariantCulture);
        db.Execute($"""
            CREATE TEMP TABLE params AS SELECT
                {Us(settings.SessionGap)}::BIGINT AS session_gap_us,
                {Us(settings.FragmentWindow)}::BIGINT AS fragment_window_us,
                {Us(settings.HalfLife)}::BIGINT AS half_life_us,
                {Us(settings.TrendWindow)}::BIGINT AS trend_window_us,
                {Us(settings.TrendBaseline)}::BIGINT AS trend_baseline_us,
                {Us(settings.TrendBucket)}::BIGINT AS trend_bucket_us,
                {AggregationSettings.MaxSessionEvents}::BIGINT AS max_session_events
            """);
        db.Execute(script);
        db.Execute($"""
            INSERT INTO meta SELECT
                {AggregateDatabase.ContractVersion}, '{Producer}', last_event,
                {Us(settings.SessionGap)}, {Us(settings.MaxDisorder)}, {Us(settings.FragmentWindow)}, {Us(settings.HalfLife)},
                {Us(settings.TrendWindow)}, {Us(settings.TrendBaseline)}, {Us(settings.TrendBucket)},
                events, search_events, click_events, cart_events, order_events, empty_queries, sessions, users,
                duplicate_searches, fragments, final_searches, unattributed_actions, transition_sessions
            FROM totals
            """);
    }
}
