-- The stint rollup (issue 18, processor/src/store/stint-rollup.ts): per site, level (900 = a
-- 15-minute UTC bucket, 86400 = a UTC day), bucket, queue, outcome and wait in whole seconds
-- (-1 = unknown), how many stints and their talk sums. One row per wait second is a 1-second wait
-- histogram: every threshold, strict or not, and every short-abandon limit is exact. Rows of a
-- recomputed bucket carry a higher gen; keys a recompute no longer finds get a row with n = 0,
-- so reading FINAL gives the newest state of every key.
CREATE TABLE IF NOT EXISTS stint_rollup (
  site LowCardinality(String),
  level UInt32,
  bucket DateTime('UTC'),
  queue String,
  outcome LowCardinality(String),
  wait_s Int64,
  n UInt64,
  talk_sum Int64,
  talk_n UInt64,
  gen UInt64
) ENGINE = ReplacingMergeTree(gen)
PARTITION BY toYYYYMM(bucket)
ORDER BY (site, level, bucket, queue, outcome, wait_s);
