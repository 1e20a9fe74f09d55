-- Closed (frozen) months of the monthly indicator report (kpi-definitions §7, issue #6).
-- Closing stores the report's figures as rendered input (JSON of the report model without its
-- generation time), the settings and calendar versions in force, and a fingerprint of the month's
-- stints, so a later export reproduces the same figures byte for byte and can warn when the
-- stints changed since (late lines, re-imports). Closing again inserts a new version; the
-- newest version of (site, month) is the one in force, older ones stay for audit.
CREATE TABLE IF NOT EXISTS report_months (
  site LowCardinality(String),
  month String,
  version UInt32,
  closed_at DateTime64(3, 'UTC'),
  closed_by String,
  fingerprint String,
  stints UInt64,
  model String CODEC(ZSTD(3))
) ENGINE = ReplacingMergeTree
ORDER BY (site, month, version);
