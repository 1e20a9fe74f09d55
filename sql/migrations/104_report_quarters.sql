-- Closed (frozen) quarters of the quarterly complaints (PQRSD) report for the Superintendencia
-- Financiera (issue 17, docs/kpi-definitions.md §8.2). Like report_months: closing stores the
-- report model as rendered input with the terms and calendar in force, and a fingerprint of the
-- ticket events it was computed from, so a later export reproduces the same figures and warns
-- when the events changed since. Closing again inserts a new version; the newest is in force.
CREATE TABLE IF NOT EXISTS report_quarters (
  site LowCardinality(String),
  quarter String,
  version UInt32,
  closed_at DateTime64(3, 'UTC'),
  closed_by String,
  fingerprint String,
  tickets UInt64,
  model String CODEC(ZSTD(3))
) ENGINE = ReplacingMergeTree
ORDER BY (site, quarter, version);
