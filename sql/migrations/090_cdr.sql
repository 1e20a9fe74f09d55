-- Every accepted CDR row (ingest/src/contract.ts CdrRecord): Master.csv written by cdr_csv or
-- cdr_custom, and later asteriskcdrdb.cdr rows. Kept whole for the call funnel (issue 16).
-- Identity: site + the row's own content (uniqueid, linkedid, sequence and every other field):
-- row_key hashes them, so the same CDR that reaches the store twice, by a redelivery, a
-- re-import or another way (tailed and imported from a copy), is one row of the sorting key and
-- ReplacingMergeTree keeps one. event_id/source/offset say where the kept copy came from. The
-- processor also skips a redelivered record by its source's offset watermark (max offset per
-- source fingerprint, read from this table at start), so a crash does not even store it twice.
-- Counts of rows read with FINAL; the funnel aggregates per call with max/min, which a row not
-- merged yet cannot change.
CREATE TABLE IF NOT EXISTS cdr (
  event_id String,
  site LowCardinality(String),
  source String,
  offset UInt64,
  layout LowCardinality(String),
  accountcode String,
  src String,
  dst String,
  dcontext String,
  clid String,
  channel String,
  dstchannel String,
  lastapp LowCardinality(String),
  lastdata String,
  start DateTime('UTC'),
  answer Nullable(DateTime('UTC')),
  end DateTime('UTC'),
  duration Float64,
  billsec Float64,
  disposition LowCardinality(String),
  amaflags LowCardinality(String),
  uniqueid String,
  userfield String,
  peeraccount String,
  linkedid String,
  sequence Nullable(Int64),
  did String DEFAULT '',
  row_key UInt64 MATERIALIZED cityHash64(
    accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata,
    toUInt32(ifNull(answer, toDateTime(0, 'UTC'))), toUInt32(end), duration, billsec, disposition, amaflags,
    uniqueid, userfield, peeraccount, linkedid, ifNull(sequence, -1), did)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(start)
ORDER BY (site, start, row_key)
SETTINGS non_replicated_deduplication_window = 10000;
