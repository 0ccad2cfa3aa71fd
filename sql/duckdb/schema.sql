-- The aggregates contract, version 1 (docs/data-formats.md): one Parquet file per table, named after it.
-- Both producers fill these tables: the C# aggregator (indexer aggregate) and aggregate.sql.
-- Times are UTC at microsecond precision; durations are microseconds.

CREATE TABLE meta (
    contract_version     INTEGER   NOT NULL,
    producer             VARCHAR   NOT NULL,
    last_event           TIMESTAMP,
    session_gap_us       BIGINT    NOT NULL,
    max_disorder_us      BIGINT    NOT NULL,
    fragment_window_us   BIGINT    NOT NULL,
    half_life_us         BIGINT    NOT NULL,
    trend_window_us      BIGINT    NOT NULL,
    trend_baseline_us    BIGINT    NOT NULL,
    trend_bucket_us      BIGINT    NOT NULL,
    events               BIGINT    NOT NULL,
    search_events        BIGINT    NOT NULL,
    click_events         BIGINT    NOT NULL,
    cart_events          BIGINT    NOT NULL,
    order_events         BIGINT    NOT NULL,
    empty_queries        BIGINT    NOT NULL,
    sessions             BIGINT    NOT NULL,
    users                BIGINT    NOT NULL,
    duplicate_searches   BIGINT    NOT NULL,
    fragments            BIGINT    NOT NULL,
    final_searches       BIGINT    NOT NULL,
    unattributed_actions BIGINT    NOT NULL,
    transition_sessions  BIGINT    NOT NULL
);

CREATE TABLE queries (
    query              VARCHAR NOT NULL,
    searches           BIGINT  NOT NULL,
    users              BIGINT  NOT NULL,
    popularity         DOUBLE  NOT NULL,
    clicks             BIGINT  NOT NULL,
    carts              BIGINT  NOT NULL,
    orders             BIGINT  NOT NULL,
    gmv                DOUBLE  NOT NULL,
    known_results      BIGINT  NOT NULL,
    zero_results       BIGINT  NOT NULL,
    results_sum        BIGINT  NOT NULL,
    transition_sources BIGINT  NOT NULL,
    transition_targets BIGINT  NOT NULL
);

CREATE TABLE query_categories (
    query    VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    clicks   BIGINT  NOT NULL
);

CREATE TABLE transitions (
    source   VARCHAR NOT NULL,
    target   VARCHAR NOT NULL,
    sessions BIGINT  NOT NULL
);

CREATE TABLE item_queries (
    item   VARCHAR NOT NULL,
    query  VARCHAR NOT NULL,
    clicks BIGINT  NOT NULL,
    carts  BIGINT  NOT NULL,
    orders BIGINT  NOT NULL
);

CREATE TABLE query_trend (
    query        VARCHAR   NOT NULL,
    bucket_start TIMESTAMP NOT NULL,
    searches     BIGINT    NOT NULL
);
