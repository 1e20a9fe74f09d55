-- Every accepted queue_log event, normalized (ingest/src/contract.ts QueueEvent). Kept for
-- recomputation: stints are a deterministic function of these rows.
-- Dedup: ReplacingMergeTree on the sorting key, which contains event_id (ts is a function of
-- event_id, so a redelivered event lands on the same key), plus insert-level dedup tokens.
-- Sorted by (site, ts) first so time-range replays read only the parts they need.
CREATE TABLE IF NOT EXISTS queue_events (
  event_id String,
  site LowCardinality(String),
  source String,
  offset UInt64,
  ts DateTime('UTC'),
  callid String,
  queue String,
  agent String,
  verb LowCardinality(String),
  custom Bool,
  wait_s Nullable(Int64),
  talk_s Nullable(Int64),
  ring_ms Nullable(Int64),
  position Nullable(Int32),
  orig_position Nullable(Int32),
  caller String,
  info String,
  data Array(String)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site, ts, event_id)
SETTINGS non_replicated_deduplication_window = 10000;
