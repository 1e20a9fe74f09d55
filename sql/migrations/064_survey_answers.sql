-- Post-call survey answers pushed or imported (ingest/src/contract.ts SurveyAnswer), one row
-- per survey and dimension. Answers logged as SURVEY custom events in queue_log stay in
-- queue_events and are read from there. Dedup: (site, survey_id, dimension) plus insert tokens.
CREATE TABLE IF NOT EXISTS survey_answers (
  survey_id String,
  site LowCardinality(String),
  source String,
  ts DateTime('UTC'),
  callid String,
  queue String,
  agent String,
  dimension LowCardinality(String),
  score UInt8
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(ts)
ORDER BY (site, survey_id, dimension)
SETTINGS non_replicated_deduplication_window = 10000;
