-- Scheduled export runs (issue #6): one row per run of a schedule, success or failure, shown
-- in the dashboard (GET /api/exports/runs). run_id is deterministic (schedule id + scheduled
-- time), so a run recorded twice after a crash collapses into one row (newest finished_at wins).
CREATE TABLE IF NOT EXISTS export_runs (
  run_id String,
  schedule_id String,
  site LowCardinality(String),
  scheduled_for DateTime64(3, 'UTC'),
  started_at DateTime64(3, 'UTC'),
  finished_at DateTime64(3, 'UTC'),
  month String,
  status LowCardinality(String),
  files Array(String),
  bytes UInt64,
  error String
) ENGINE = ReplacingMergeTree(finished_at)
ORDER BY (run_id);

-- Export schedules (settings, versioned like settings_versions): the newest version of an id is
-- in force; `enabled = false` switches it off. spec is JSON validated by the processor
-- (processor/src/reports/core/schedule.ts).
CREATE TABLE IF NOT EXISTS export_schedules (
  id String,
  version UInt32,
  spec String,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (id, version);
