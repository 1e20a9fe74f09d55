-- The call funnel's rollup (issue 16, docs/kpi-definitions.md §13 "How the rollup stays exact"):
-- the funnel's per-call figures summed per (site, 15-minute UTC bucket of the call's start,
-- service, IVR option, answering queue, answering wait in whole seconds), computed by the same
-- scan the funnel runs (store/queries/funnel-calls-judged.sql) restricted to the bucket's calls,
-- by the generic rollup job (processor/src/rollup/, kind 'funnel': its rollup_marks and
-- rollup_done say which buckets are clean and at which generation `gen`).
-- Every rolled bucket also gets one row with service '' (no service has that name) and zero
-- counts, stating the funnel settings it was judged under (`stamp`, core/funnel.ts
-- funnelSettingsStamp): a read takes a clean bucket only at its done generation and only when its
-- stamp is the settings in force; anything else is scanned, so a wrong figure is never read.
-- wait_s: the answering stint's wait (whole seconds as stored), -1 when the call was not answered
-- or its wait is unknown; "answered within T" is summed at read time with the T in force (any T).
-- Rows of older generations are never read (a read names the generation), only kept.
CREATE TABLE IF NOT EXISTS funnel_roll (
  site LowCardinality(String),
  bucket DateTime('UTC'),
  gen UInt64,
  stamp LowCardinality(String),
  service String,
  option String,
  answer_queue String,
  wait_s Int64,
  ingresadas UInt64,
  ivr_only UInt64,
  asked_agent UInt64,
  lost_before_queue UInt64,
  refused UInt64,
  offered UInt64,
  answered UInt64,
  abandoned UInt64,
  other_exit UInt64
) ENGINE = MergeTree
ORDER BY (site, bucket, gen, service, option, answer_queue, wait_s);
