-- Contacts of other channels: chat, video, email, web form, social (ingest/src/contract.ts
-- ContactRecord; kpi-definitions §15). One row per (site, contact_id): a contact is re-sent as it
-- progresses (arrived -> first response -> ended) and ReplacingMergeTree(version) keeps its latest
-- state, version = stage then latest time, so a late or repeated state never replaces a newer
-- one. Times are epoch seconds in DateTime('UTC'); 0 (1970-01-01) = not (yet) happened.
CREATE TABLE IF NOT EXISTS contacts (
  site LowCardinality(String),
  contact_id String,
  source String,
  channel LowCardinality(String),
  queue LowCardinality(String),
  arrived DateTime('UTC'),
  first_response DateTime('UTC'),
  ended DateTime('UTC'),
  agent LowCardinality(String),
  outcome LowCardinality(String),
  call_id String,
  ticket_id String,
  rating_dims Array(LowCardinality(String)),
  rating_scores Array(UInt8),
  version UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY (site, contact_id)
SETTINGS non_replicated_deduplication_window = 10000;
