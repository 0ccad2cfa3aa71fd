-- The aggregation of sql/duckdb/aggregate.sql in the Spark SQL dialect (Spark 3.4+), for logs in a data lake.
-- NOT RUN IN CI: this repository tests the DuckDB file against the C# aggregator; this file is the same query,
-- translated by hand (the differences are listed in sql/README.md). Check a run against `indexer aggregate`
-- on a sample before trusting it.
--
-- Before running: spark.sql.session.timeZone=UTC and spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS;
-- a view `events` with the columns of sql/duckdb/events.sql (queries normalized by the indexer's
-- QueryNormalizer: `indexer aggregate --engine duckdb --write-events` writes such a file); a view `params`:
--   CREATE OR REPLACE TEMPORARY VIEW params AS SELECT
--     1800000000L AS session_gap_us, 600000000L AS max_disorder_us, 5000000L AS fragment_window_us,
--     604800000000L AS half_life_us, 86400000000L AS trend_window_us, 604800000000L AS trend_baseline_us,
--     3600000000L AS trend_bucket_us, 10000L AS max_session_events;
-- (the defaults of indexer aggregate; the half-life default is the one of BuildOptions.HalfLife).
-- Output: one temporary view per table (agg_meta, agg_queries, ...), to write as Parquet directories named
-- after the tables (meta/, queries/, ...), which build --aggregates reads like single files.

CACHE TABLE ev AS
SELECT seq, user_id, type, query, unix_micros(ts) AS us, item, category, results, coalesce(amount, 0D) AS amount
FROM events
WHERE NOT (type = 'search' AND query IS NULL);

CACHE TABLE sessioned AS
WITH gaps AS (
    SELECT ev.*,
           CASE WHEN us - lag(us) OVER (PARTITION BY user_id ORDER BY us, seq) > (SELECT session_gap_us FROM params)
                THEN 1 ELSE 0 END AS starts
    FROM ev
), numbered AS (
    SELECT gaps.*, sum(starts) OVER (PARTITION BY user_id ORDER BY us, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS gap_no
    FROM gaps
), parts AS (
    SELECT numbered.*,
           (row_number() OVER (PARTITION BY user_id, gap_no ORDER BY us, seq) - 1) div (SELECT max_session_events FROM params) AS part_no
    FROM numbered
)
SELECT seq, user_id, type, query, us, item, category, results, amount,
       min(seq) OVER (PARTITION BY user_id, gap_no, part_no) AS sid
FROM parts;

CACHE TABLE engaged AS
SELECT DISTINCT sid, engaged_query AS query
FROM (
    SELECT sid, type,
           coalesce(query, last(CASE WHEN type = 'search' THEN query END, true)
               OVER (PARTITION BY sid ORDER BY us, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS engaged_query
    FROM sessioned
) x
WHERE type <> 'search' AND engaged_query IS NOT NULL;

CACHE TABLE searches AS
WITH s AS (
    SELECT sid, user_id, seq, us, query, results,
           coalesce(lag(query) OVER w = query AND lag(us) OVER w = us, false) AS duplicate,
           CASE WHEN lag(query) OVER w IS DISTINCT FROM query THEN 1 ELSE 0 END AS run_starts
    FROM sessioned
    WHERE type = 'search'
    WINDOW w AS (PARTITION BY sid ORDER BY us, seq)
), runs AS (
    SELECT s.*, sum(run_starts) OVER (PARTITION BY sid ORDER BY us, seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_no
    FROM s
), heads AS (
    SELECT sid, run_no, min(us) AS run_us, first(query) AS run_query
    FROM runs
    GROUP BY sid, run_no
), next_runs AS (
    SELECT sid, run_no,
           lead(run_query) OVER r AS next_query,
           lead(run_us) OVER r AS next_us
    FROM heads
    WINDOW r AS (PARTITION BY sid ORDER BY run_no)
)
SELECT runs.sid, runs.user_id, runs.seq, runs.us, runs.query, runs.results,
       CASE
           WHEN runs.duplicate THEN 'duplicate'
           WHEN e.query IS NULL
                AND n.next_query IS NOT NULL
                AND n.next_us <= runs.us + (SELECT fragment_window_us FROM params)
                AND startswith(n.next_query, runs.query) THEN 'fragment'
           ELSE 'final'
       END AS kind
FROM runs
JOIN next_runs n ON n.sid = runs.sid AND n.run_no = runs.run_no
LEFT JOIN engaged e ON e.sid = runs.sid AND e.query = runs.query;

CACHE TABLE finals AS
SELECT sid, user_id, seq, us, query, results FROM searches WHERE kind = 'final';

CACHE TABLE actions AS
SELECT * FROM (
    SELECT s.type, s.item, s.category, s.amount,
           coalesce(s.query, last(f.query, true)
               OVER (PARTITION BY s.sid ORDER BY s.us, s.seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS query
    FROM sessioned s
    LEFT JOIN finals f ON f.seq = s.seq
) x
WHERE type <> 'search';

CACHE TABLE session_pairs AS
SELECT DISTINCT sid, source, target
FROM (
    SELECT sid,
           lag(query) OVER (PARTITION BY sid ORDER BY us, seq) AS source,
           query AS target
    FROM finals
) x
WHERE source IS NOT NULL AND source <> target;

CACHE TABLE anchor AS
SELECT max(unix_micros(ts)) AS last_us FROM events;

CREATE OR REPLACE TEMPORARY VIEW agg_queries AS
WITH names AS (
    SELECT DISTINCT query FROM ev WHERE query IS NOT NULL
), f AS (
    SELECT query,
           count(*) AS searches,
           count(DISTINCT user_id) AS users,
           sum(pow(2.0D, CAST(us - (SELECT last_us FROM anchor) AS DOUBLE) / (SELECT half_life_us FROM params))) AS popularity,
           count(results) AS known_results,
           count(*) FILTER (WHERE results = 0) AS zero_results,
           coalesce(sum(CAST(results AS BIGINT)), 0L) AS results_sum
    FROM finals
    GROUP BY query
), a AS (
    SELECT query,
           count(*) FILTER (WHERE type = 'click') AS clicks,
           count(*) FILTER (WHERE type = 'cart') AS carts,
           count(*) FILTER (WHERE type = 'order') AS orders,
           coalesce(sum(amount) FILTER (WHERE type = 'order'), 0D) AS gmv
    FROM actions
    WHERE query IS NOT NULL
    GROUP BY query
), src AS (
    SELECT source AS query, count(*) AS n
    FROM (SELECT DISTINCT sid, source FROM session_pairs) x
    GROUP BY source
), tgt AS (
    SELECT target AS query, count(*) AS n
    FROM (SELECT DISTINCT sid, target FROM session_pairs) x
    GROUP BY target
)
SELECT names.query,
       coalesce(f.searches, 0L) AS searches, coalesce(f.users, 0L) AS users, coalesce(f.popularity, 0D) AS popularity,
       coalesce(a.clicks, 0L) AS clicks, coalesce(a.carts, 0L) AS carts, coalesce(a.orders, 0L) AS orders, coalesce(a.gmv, 0D) AS gmv,
       coalesce(f.known_results, 0L) AS known_results, coalesce(f.zero_results, 0L) AS zero_results, coalesce(f.results_sum, 0L) AS results_sum,
       coalesce(src.n, 0L) AS transition_sources, coalesce(tgt.n, 0L) AS transition_targets
FROM names
LEFT JOIN f ON f.query = names.query
LEFT JOIN a ON a.query = names.query
LEFT JOIN src ON src.query = names.query
LEFT JOIN tgt ON tgt.query = names.query;

CREATE OR REPLACE TEMPORARY VIEW agg_query_categories AS
SELECT query, category, count(*) AS clicks
FROM actions
WHERE type = 'click' AND category IS NOT NULL AND query IS NOT NULL
GROUP BY query, category;

CREATE OR REPLACE TEMPORARY VIEW agg_transitions AS
SELECT source, target, count(*) AS sessions
FROM session_pairs
GROUP BY source, target;

CREATE OR REPLACE TEMPORARY VIEW agg_item_queries AS
SELECT item, query,
       count(*) FILTER (WHERE type = 'click') AS clicks,
       count(*) FILTER (WHERE type = 'cart') AS carts,
       count(*) FILTER (WHERE type = 'order') AS orders
FROM actions
WHERE item IS NOT NULL AND query IS NOT NULL
GROUP BY item, query;

CREATE OR REPLACE TEMPORARY VIEW agg_query_trend AS
WITH b AS (
    SELECT trend_bucket_us AS width, (trend_window_us + trend_baseline_us) div trend_bucket_us AS span FROM params
), bucketed AS (
    SELECT query, us - pmod(us, b.width) AS start_us FROM finals CROSS JOIN b
), bounds AS (
    SELECT last_us - pmod(last_us, b.width) AS last_start, b.width, b.span FROM anchor CROSS JOIN b
)
SELECT query, timestamp_micros(start_us) AS bucket_start, count(*) AS searches
FROM bucketed CROSS JOIN bounds
WHERE start_us > last_start - (span * width) AND start_us <= last_start
GROUP BY query, start_us;

CREATE OR REPLACE TEMPORARY VIEW agg_meta AS
SELECT
    1 AS contract_version,
    'spark-sql' AS producer,
    (SELECT timestamp_micros(last_us) FROM anchor) AS last_event,
    p.session_gap_us, p.max_disorder_us, p.fragment_window_us, p.half_life_us,
    p.trend_window_us, p.trend_baseline_us, p.trend_bucket_us,
    (SELECT count(*) FROM events) AS events,
    (SELECT count(*) FROM events WHERE type = 'search') AS search_events,
    (SELECT count(*) FROM events WHERE type = 'click') AS click_events,
    (SELECT count(*) FROM events WHERE type = 'cart') AS cart_events,
    (SELECT count(*) FROM events WHERE type = 'order') AS order_events,
    (SELECT count(*) FROM events WHERE type = 'search' AND query IS NULL) AS empty_queries,
    (SELECT count(*) FROM (SELECT DISTINCT sid FROM sessioned) x) AS sessions,
    (SELECT count(DISTINCT user_id) FROM ev) AS users,
    (SELECT count(*) FROM searches WHERE kind = 'duplicate') AS duplicate_searches,
    (SELECT count(*) FROM searches WHERE kind = 'fragment') AS fragments,
    (SELECT count(*) FROM finals) AS final_searches,
    (SELECT count(*) FROM actions WHERE query IS NULL) AS unattributed_actions,
    (SELECT count(*) FROM (SELECT DISTINCT sid FROM session_pairs) x) AS transition_sessions
FROM params p;

-- Then, for example (PySpark): for t in ["meta", "queries", "query_categories", "transitions", "item_queries",
-- "query_trend"]: spark.table("agg_" + t).write.mode("overwrite").parquet(f"{out}/{t}")  -- meta last.
