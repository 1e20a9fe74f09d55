-- Versioned escalation settings per site (terms in business days per ticket type, due-soon
-- threshold, which national holidays apply). A change inserts a new version with its valid-from
-- time; old versions stay for audit. settings is JSON validated by the processor
-- (processor/src/escalations/core/settings.ts).
CREATE TABLE IF NOT EXISTS escalation_settings_versions (
  site LowCardinality(String),
  version UInt32,
  valid_from DateTime64(3, 'UTC'),
  settings String,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (site, version);
