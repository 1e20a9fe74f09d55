-- Monthly call samples per agent. A redraw inserts version + 1 with its seed, so every draw can
-- be reproduced and audited; the newest version of a month is the one in use.
-- calls / agents / targets are JSON (SampledCall[], per-agent figures, agent -> target).
CREATE TABLE IF NOT EXISTS qa_samples (
  month String,
  version UInt32,
  seed UInt32,
  target_per_agent UInt32,
  targets String,
  calls String,
  agents String,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (month, version);
