-- The input of aggregate.sql: the valid events of a log, queries already normalized (QueryNormalizer; NULL when
-- an event has no query or it normalizes to nothing), seq the arrival order (ties of time keep it).
CREATE TABLE events (
    seq      BIGINT    NOT NULL,
    user_id  VARCHAR   NOT NULL,
    type     VARCHAR   NOT NULL, -- search, click, cart, order
    query    VARCHAR,
    ts       TIMESTAMP NOT NULL,
    item     VARCHAR,
    category VARCHAR,
    results  INTEGER,            -- result count of a search, NULL when unknown
    amount   DOUBLE              -- order amount, NULL when unknown
);
