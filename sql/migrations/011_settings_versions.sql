-- Versioned KPI definition settings (kpi-definitions §3-§4) and site calendars (§6).
-- A change inserts a new version with its valid-from time; old versions stay for audit and for
-- reproducing a frozen month. queue = '' holds the site defaults. settings/spec are JSON text
-- validated by the processor (processor/src/core/settings.ts, calendar.ts).
CREATE TABLE IF NOT EXISTS settings_versions (
  site LowCardinality(String),
  queue String,
  version UInt32,
  valid_from DateTime64(3, 'UTC'),
  settings String,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (site, queue, version);

CREATE TABLE IF NOT EXISTS calendar_versions (
  site LowCardinality(String),
  version UInt32,
  valid_from DateTime64(3, 'UTC'),
  spec String,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (site, version);
