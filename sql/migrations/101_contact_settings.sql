-- Versioned per-channel settings of contacts (kpi-definitions §15): each channel's response
-- threshold and whether it counts wall-clock or business seconds of the site calendar. A change
-- inserts a new version with its valid-from time; a contact is judged by the version in force
-- when it arrived. settings is JSON validated by processor/src/contacts/core/settings.ts.
CREATE TABLE IF NOT EXISTS contact_settings_versions (
  site LowCardinality(String),
  version UInt32,
  valid_from DateTime64(3, 'UTC'),
  settings String,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (site, version);
