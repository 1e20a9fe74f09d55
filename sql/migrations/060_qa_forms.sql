-- Quality evaluation forms (kpi-definitions §9). Each publish inserts a new version; versions
-- never change, so an evaluation made on version N is always scored by version N.
-- spec is the form JSON (processor/src/quality/contract.ts QaFormSpec), validated on write and read.
CREATE TABLE IF NOT EXISTS qa_forms (
  form_id String,
  version UInt32,
  name String,
  spec String,
  created_by String,
  created_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree
ORDER BY (form_id, version);
