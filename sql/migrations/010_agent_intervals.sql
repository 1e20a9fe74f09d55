-- Agent sessions (logged in per queue) and pause intervals, closed by the processor's agent
-- state machine (kpi-definitions §5). Rows are deterministic functions of queue_events, so a
-- re-processed batch writes the same rows and ReplacingMergeTree collapses them.
-- Sorted by (site, agent, start_ts): reports ask "time per pause reason per agent per day".
CREATE TABLE IF NOT EXISTS agent_sessions (
  site LowCardinality(String),
  agent String,
  queue String,
  start_ts DateTime('UTC'),
  end_ts DateTime('UTC'),
  end_reason LowCardinality(String)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start_ts)
ORDER BY (site, agent, start_ts, queue)
SETTINGS non_replicated_deduplication_window = 10000;

CREATE TABLE IF NOT EXISTS agent_pauses (
  site LowCardinality(String),
  agent String,
  queue String,
  reason String,
  start_ts DateTime('UTC'),
  end_ts DateTime('UTC'),
  end_reason LowCardinality(String)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start_ts)
ORDER BY (site, agent, start_ts, queue, reason)
SETTINGS non_replicated_deduplication_window = 10000;
