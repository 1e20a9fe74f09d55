-- Scored calls, monitoring and calibration alike. Immutable versions: an edit inserts version + 1
-- and the older rows stay for audit; readers take the newest version of each evaluation_id.
-- The score columns are computed on write from the answers and the form version (pure code),
-- so reports aggregate them without re-scoring. score is a 2-decimal figure (0..100).
CREATE TABLE IF NOT EXISTS qa_evaluations (
  evaluation_id String,
  version UInt32,
  kind LowCardinality(String),
  session_id String,
  form_id String,
  form_version UInt32,
  site LowCardinality(String),
  callid String,
  queue String,
  agent String,
  call_ts DateTime('UTC'),
  analyst String,
  answers String,
  comment String,
  score Nullable(Float64),
  raw_score Nullable(Float64),
  band String,
  failed_critical Array(String),
  zeroed Bool,
  applicable_items UInt32,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (evaluation_id, version);
