-- Rejected input lines (ingest/src/contract.ts DeadLetter): nothing is lost, bad input is data.
CREATE TABLE IF NOT EXISTS dead_letters (
  event_id String,
  site LowCardinality(String),
  source String,
  offset UInt64,
  line_no UInt64,
  raw String,
  reason LowCardinality(String),
  rejected_at DateTime('UTC')
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(rejected_at)
ORDER BY (site, source, event_id)
SETTINGS non_replicated_deduplication_window = 10000;
