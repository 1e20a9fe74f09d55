-- The call funnel's rollup (issue 16, docs/kpi-definitions.md §13 "How the rollup stays exact"):
-- the funnel's per-call figures summed per (site, 15-minute UTC bucket of the call's start,
-- service, IVR option, answering queue, answering wait in whole seconds), computed by the same
-- scan the funnel runs (store/queries/funnel-calls-judged.sql) restricted to the bucket's calls.
-- A month read sums these rows for buckets that are clean and judged under the settings in
-- force, and scans the rest; a missing or doubtful bucket is only slower, never wrong.
--
-- Dirty marks: before the processor stores CDR legs, stints or custom queue_log events of a
-- commit it writes state 0 (pending) for every bucket a call touched by them may start in, and
-- state 1 (complete) for the same keys once the rows are stored; the roll job writes state 2
-- (cleared) for the complete marks it read before its scan. A bucket with any mark below 2 is
-- dirty. ReplacingMergeTree(state): the highest state of a key wins, a key only moves forward.
CREATE TABLE IF NOT EXISTS funnel_dirty (
  site LowCardinality(String),
  bucket DateTime('UTC'),
  token String,
  state UInt8,
  at DateTime('UTC')
) ENGINE = ReplacingMergeTree(state)
ORDER BY (site, bucket, token);

-- One row per rolled bucket and generation; the newest generation of a bucket is its rolled state.
-- Written after the bucket's rows of that generation: a generation without its row here is ignored.
-- stamp: the funnel settings the bucket was judged under (core/funnel.ts funnelSettingsStamp).
CREATE TABLE IF NOT EXISTS funnel_roll_buckets (
  site LowCardinality(String),
  bucket DateTime('UTC'),
  generation UInt64,
  stamp String,
  calls UInt64
) ENGINE = ReplacingMergeTree(generation)
ORDER BY (site, bucket);

-- The rolled figures. wait_s: the answering stint's wait (whole seconds as stored), -1 when the
-- call was not answered or its wait is unknown; "answered within T" is summed at read time from
-- it with the T in force, so any T stays exact (the 1-second histogram).
CREATE TABLE IF NOT EXISTS funnel_roll (
  site LowCardinality(String),
  bucket DateTime('UTC'),
  generation UInt64,
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
ORDER BY (site, bucket, generation, service, option, answer_queue, wait_s);
