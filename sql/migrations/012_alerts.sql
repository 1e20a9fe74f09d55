-- Queue alerts raised and cleared by the processor (issue #4: SL, waiting count or longest
-- current wait past the queue's thresholds). One alert = one key; the raise writes version 0
-- with cleared_at NULL, the clear writes version 1 with the same key, and ReplacingMergeTree
-- keeps the newest version, so `FINAL` (or argMax by version) gives one row per alert.
-- Sorted by (site, raised_at, queue, metric): the dashboard lists a site's alerts by time.
CREATE TABLE IF NOT EXISTS alerts (
  alert_id String,
  site LowCardinality(String),
  queue String,
  metric LowCardinality(String),
  threshold Float64,
  raised_at DateTime64(3, 'UTC'),
  cleared_at Nullable(DateTime64(3, 'UTC')),
  raised_value Nullable(Float64),
  cleared_value Nullable(Float64),
  peak_value Nullable(Float64),
  version UInt8
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(raised_at)
ORDER BY (site, raised_at, queue, metric)
SETTINGS non_replicated_deduplication_window = 10000;
