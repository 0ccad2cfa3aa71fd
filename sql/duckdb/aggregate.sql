-- The aggregation of indexer aggregate as SQL (DuckDB dialect): the same tables as the C# aggregator
-- (src/QueryRec.Indexer/Build/LogAggregator.cs), equal within floating-point rounding (tested in CI).
-- Input: the table events (events.sql) and the one-row table params (session_gap_us, fragment_window_us,
-- half_life_us, trend_window_us, trend_baseline_us, trend_bucket_us, max_session_events).
-- Output: the tables of schema.sql (created before this script runs), all but meta, which the runner fills
-- from the temp table totals.
-- A session: one user's events, ordered by (time, arrival), split where the gap to the previous event exceeds
-- session_gap_us, and cut every max_session_events events (bots). The streaming C# sessionizer agrees with
-- this as long as a late event arrives within max_disorder of the newest event and does not bridge two sessions.
-- A session is named by sid, the smallest seq among its events.

-- Users as integers: the sessionization's windows partition by them.
CREATE TEMP TABLE user_ids AS
SELECT user_id, row_number() OVER () AS uid FROM (SELECT DISTINCT user_id FROM events);

CREATE TEMP TABLE ev AS
SELECT e.seq, u.uid AS user_id, e.type, e.query, epoch_us(e.ts) AS us, e.item, e.category, e.results, coalesce(e.amount, 0) AS amount
FROM events e
JOIN user_ids u ON u.user_id = e.user_id
WHERE NOT (e.type = 'search' AND e.query IS NULL);

CREATE TEMP TABLE sessioned AS
WITH gaps AS (
    SELECT ev.*,
           CASE WHEN us - lag(us) OVER (PARTITION BY user_id ORDER BY us, seq) > (SELECT session_gap_us FROM params)
                THEN 1 ELSE 0 END AS starts
    FROM ev
), numbered AS (
    SELECT gaps.*, sum(starts) OVER (PARTITION BY user_id ORDER BY us, seq ROWS UNBOUNDED PRECEDING) AS gap_no
    FROM gaps
), parts AS (
    SELECT numbered.*,
           (row_number() OVER (PARTITION BY user_id, gap_no ORDER BY us, seq) - 1) // (SELECT max_session_events FROM params) AS part_no
    FROM numbered
)
SELECT seq, user_id, type, query, us, item, category, results, amount,
       min(seq) OVER (PARTITION BY user_id, gap_no, part_no) AS sid
FROM parts;

-- Queries engaged in a session: a click, cart or order names them, or follows their search without a query.
CREATE TEMP TABLE engaged AS
SELECT DISTINCT sid, engaged_query AS query
FROM (
    SELECT sid, type,
           coalesce(query, last_value(CASE WHEN type = 'search' THEN query END IGNORE NULLS)
               OVER (PARTITION BY sid ORDER BY us, seq ROWS UNBOUNDED PRECEDING)) AS engaged_query
    FROM sessioned
)
WHERE type <> 'search' AND engaged_query IS NOT NULL;

-- Searches: a duplicate repeats the previous search's query and time; a typed fragment is not engaged and is a
-- strict prefix of the next search with another query, within the fragment window; the rest are final.
CREATE TEMP TABLE searches AS
WITH s AS (
    SELECT sid, user_id, seq, us, query, results,
           coalesce(lag(query) OVER w = query AND lag(us) OVER w = us, false) AS duplicate,
           CASE WHEN lag(query) OVER w IS DISTINCT FROM query THEN 1 ELSE 0 END AS run_starts
    FROM sessioned
    WHERE type = 'search'
    WINDOW w AS (PARTITION BY sid ORDER BY us, seq)
), runs AS (
    SELECT s.*, sum(run_starts) OVER (PARTITION BY sid ORDER BY us, seq ROWS UNBOUNDED PRECEDING) AS run_no
    FROM s
), next_runs AS (
    SELECT sid, run_no,
           lead(run_query) OVER r AS next_query,
           lead(run_us) OVER r AS next_us
    FROM (
        SELECT sid, run_no, min(us) AS run_us, any_value(query) AS run_query
        FROM runs
        GROUP BY sid, run_no
    )
    WINDOW r AS (PARTITION BY sid ORDER BY run_no)
)
SELECT runs.sid, runs.user_id, runs.seq, runs.us, runs.query, runs.results,
       CASE
           WHEN runs.duplicate THEN 'duplicate'
           WHEN e.query IS NULL
                AND n.next_query IS NOT NULL
                AND n.next_us <= runs.us + (SELECT fragment_window_us FROM params)
                AND starts_with(n.next_query, runs.query) THEN 'fragment'
           ELSE 'final'
       END AS kind
FROM runs
JOIN next_runs n USING (sid, run_no)
LEFT JOIN engaged e ON e.sid = runs.sid AND e.query = runs.query;

CREATE TEMP TABLE finals AS
SELECT sid, user_id, seq, us, query, results FROM searches WHERE kind = 'final';

-- Clicks, carts and orders: attributed to their query, or to the latest final search before them in the session.
CREATE TEMP TABLE actions AS
SELECT * FROM (
    SELECT s.type, s.item, s.category, s.amount,
           coalesce(s.query, last_value(f.query IGNORE NULLS)
               OVER (PARTITION BY s.sid ORDER BY s.us, s.seq ROWS UNBOUNDED PRECEDING)) AS query
    FROM sessioned s
    LEFT JOIN finals f ON f.seq = s.seq
)
WHERE type <> 'search';

-- q2q: each distinct pair (a final search, the next final search of another query) counts once per session.
CREATE TEMP TABLE session_pairs AS
SELECT DISTINCT sid, source, target
FROM (
    SELECT sid,
           lag(query) OVER (PARTITION BY sid ORDER BY us, seq) AS source,
           query AS target
    FROM finals
)
WHERE source IS NOT NULL AND source <> target;

CREATE TEMP TABLE anchor AS
SELECT max(epoch_us(ts)) AS last_us FROM events;

INSERT INTO queries
WITH names AS (
    SELECT DISTINCT query FROM ev WHERE query IS NOT NULL
), f AS (
    SELECT query,
           count(*) AS searches,
           count(DISTINCT user_id) AS users,
           sum(pow(2.0, (us - (SELECT last_us FROM anchor))::DOUBLE / (SELECT half_life_us FROM params))) AS popularity,
           count(results) AS known_results,
           count(*) FILTER (WHERE results = 0) AS zero_results,
           coalesce(sum(results), 0) AS results_sum
    FROM finals
    GROUP BY query
), a AS (
    SELECT query,
           count(*) FILTER (WHERE type = 'click') AS clicks,
           count(*) FILTER (WHERE type = 'cart') AS carts,
           count(*) FILTER (WHERE type = 'order') AS orders,
           coalesce(sum(amount) FILTER (WHERE type = 'order'), 0) AS gmv
    FROM actions
    WHERE query IS NOT NULL
    GROUP BY query
), src AS (
    SELECT source AS query, count(*) AS n
    FROM (SELECT DISTINCT sid, source FROM session_pairs)
    GROUP BY source
), tgt AS (
    SELECT target AS query, count(*) AS n
    FROM (SELECT DISTINCT sid, target FROM session_pairs)
    GROUP BY target
)
SELECT names.query,
       coalesce(f.searches, 0), coalesce(f.users, 0), coalesce(f.popularity, 0),
       coalesce(a.clicks, 0), coalesce(a.carts, 0), coalesce(a.orders, 0), coalesce(a.gmv, 0),
       coalesce(f.known_results, 0), coalesce(f.zero_results, 0), coalesce(f.results_sum, 0),
       coalesce(src.n, 0), coalesce(tgt.n, 0)
FROM names
LEFT JOIN f USING (query)
LEFT JOIN a USING (query)
LEFT JOIN src USING (query)
LEFT JOIN tgt USING (query);

INSERT INTO query_categories
SELECT query, category, count(*)
FROM actions
WHERE type = 'click' AND category IS NOT NULL AND query IS NOT NULL
GROUP BY query, category;

INSERT INTO transitions
SELECT source, target, count(*)
FROM session_pairs
GROUP BY source, target;

INSERT INTO item_queries
SELECT item, query,
       count(*) FILTER (WHERE type = 'click'),
       count(*) FILTER (WHERE type = 'cart'),
       count(*) FILTER (WHERE type = 'order')
FROM actions
WHERE item IS NOT NULL AND query IS NOT NULL
GROUP BY item, query;

-- Trend buckets read by the build: the recent window and the baseline before it, ending at the last event's bucket.
INSERT INTO query_trend
WITH b AS (
    SELECT trend_bucket_us AS width, (trend_window_us + trend_baseline_us) // trend_bucket_us AS span FROM params
), bucketed AS (
    SELECT query, us - (((us % b.width) + b.width) % b.width) AS start_us
    FROM finals, b
), bounds AS (
    SELECT last_us - (((last_us % b.width) + b.width) % b.width) AS last_start, b.width, b.span FROM anchor, b
)
SELECT query, make_timestamp(start_us), count(*)
FROM bucketed, bounds
WHERE start_us > last_start - (span * width) AND start_us <= last_start
GROUP BY query, start_us;

CREATE TEMP TABLE totals AS
SELECT
    (SELECT make_timestamp(last_us) FROM anchor) AS last_event,
    (SELECT count(*) FROM events) AS events,
    (SELECT count(*) FROM events WHERE type = 'search') AS search_events,
    (SELECT count(*) FROM events WHERE type = 'click') AS click_events,
    (SELECT count(*) FROM events WHERE type = 'cart') AS cart_events,
    (SELECT count(*) FROM events WHERE type = 'order') AS order_events,
    (SELECT count(*) FROM events WHERE type = 'search' AND query IS NULL) AS empty_queries,
    (SELECT count(*) FROM (SELECT DISTINCT sid FROM sessioned)) AS sessions,
    (SELECT count(DISTINCT user_id) FROM ev) AS users,
    (SELECT count(*) FROM searches WHERE kind = 'duplicate') AS duplicate_searches,
    (SELECT count(*) FROM searches WHERE kind = 'fragment') AS fragments,
    (SELECT count(*) FROM finals) AS final_searches,
    (SELECT count(*) FROM actions WHERE query IS NULL) AS unattributed_actions,
    (SELECT count(*) FROM (SELECT DISTINCT sid FROM session_pairs)) AS transition_sessions;
