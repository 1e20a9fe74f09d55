-- One row per ended queue stint (kpi-definitions §1-§2). stint_id is deterministic
-- (site, callid, queue and the id of the event that opened it), so re-processing the same
-- events writes the same row and ReplacingMergeTree collapses it.
-- Sorted by (site, queue, enter_ts): every KPI query filters by site, queue and time range.
-- Partitioned by month of the stint's time: monthly reports and freezes touch one partition.
CREATE TABLE IF NOT EXISTS stints (
  stint_id String,
  site LowCardinality(String),
  queue String,
  callid String,
  enter_ts DateTime('UTC'),
  end_ts DateTime('UTC'),
  outcome LowCardinality(String),
  wait_s Nullable(Int64),
  talk_s Nullable(Int64),
  agent String,
  caller String,
  transferred Bool,
  enter_seen Bool,
  end_event_id String
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(enter_ts)
ORDER BY (site, queue, enter_ts, stint_id)
SETTINGS non_replicated_deduplication_window = 10000;
