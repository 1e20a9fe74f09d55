-- Exact rollups (processor/src/rollup/, issue 18): which 15-minute UTC buckets of a kind of
-- stored fact ('stints', 'funnel', ...) changed, and up to which generation each bucket (and
-- each UTC day) is rolled up.
-- rollup_marks: a writer inserts (kind, site, bucket) before AND after it stores facts in the
-- bucket; seq is the server clock in microseconds when the mark was inserted. Replacing keeps the
-- newest mark per bucket (max(seq) is read either way, merged or not).
CREATE TABLE IF NOT EXISTS rollup_marks (
  kind LowCardinality(String),
  site LowCardinality(String),
  bucket DateTime('UTC'),
  seq UInt64 DEFAULT toUnixTimestamp64Micro(now64(6))
) ENGINE = ReplacingMergeTree(seq)
ORDER BY (kind, site, bucket);
-- rollup_done: the rollup job wrote the rows of (level, bucket) at generation gen, from facts it
-- read after every mark with seq <= gen was stored. A bucket is clean (read from the rollup)
-- while no mark of it is newer than its gen; level 900 = a quarter hour, 86400 = a UTC day.
CREATE TABLE IF NOT EXISTS rollup_done (
  kind LowCardinality(String),
  site LowCardinality(String),
  level UInt32,
  bucket DateTime('UTC'),
  gen UInt64
) ENGINE = ReplacingMergeTree(gen)
ORDER BY (kind, site, level, bucket);
