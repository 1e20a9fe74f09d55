-- Outbound campaigns (issue 17): a campaign, its contact list, the results recorded by agents
-- or a client's system, and the campaign settings (result codes, phone prefixes). Rows are
-- versions: the newest updated_at per key wins (ReplacingMergeTree), so an edit or a re-import
-- of the same contact replaces it instead of adding one (re-imports are idempotent).
CREATE TABLE IF NOT EXISTS campaigns (
  campaign_id String,
  name String,
  purpose String,
  start_date Date,
  end_date Date,
  target_list String,
  created_by String,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY campaign_id;

-- One row per listed contact; fields = the list's other columns, as a JSON object of text.
-- phone_norm is the phone after the normalization rule of docs/kpi-definitions.md §16.
CREATE TABLE IF NOT EXISTS campaign_contacts (
  campaign_id String,
  contact_id String,
  phone String,
  phone_norm String,
  fields String,
  line UInt32,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (campaign_id, contact_id);

-- Results recorded for a contact (results CSV, the API or a source token): one row per attempt
-- the agent typified. Identity (campaign, contact, at, agent): the same row sent twice is one.
CREATE TABLE IF NOT EXISTS campaign_results (
  campaign_id String,
  contact_id String,
  at DateTime('UTC'),
  agent String,
  code LowCardinality(String),
  note String,
  source String,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (campaign_id, contact_id, at, agent);

-- Campaign settings (result codes, phone prefixes, outbound contexts) as key -> JSON text.
CREATE TABLE IF NOT EXISTS campaign_settings (
  key String,
  value String,
  updated_by String,
  updated_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key;
