// Exact rollups of stored facts (issue 18), generic part: dirty marks, the rollup job, and the
// split of a time range into rolled-up and scanned pieces. A kind of fact (stints: store/
// stint-rollup.ts) brings its rollup table and a RollupSpec; its query module asks which pieces
// are clean and reads those from the rollup, the rest from the facts, with the same SQL rules.
//
// API (stable; see README "Performance" and docs/kpi-definitions.md §12.1):
// - Buckets: 15-minute UTC quarters (level QUARTER_S = 900) and UTC days (level DAY_S = 86400),
//   epoch seconds. quartersOf(times) gives the quarters some fact times fall in.
// - Writers: markDirty(ch, kind, site, quarters) BEFORE storing facts in those quarters and AGAIN
//   AFTER the store returned. Nothing else is trusted: a crash anywhere leaves the buckets dirty.
// - Job: startRollupJob(ch, specs, { intervalMs, settleMs, owns, log }) in the processor;
//   runRollupCycle / rollUpAll for one cycle or until done (tests, benchmarks, backfill). A cycle
//   rolls dirty quarters whose newest mark is older than settleMs (spec.rollQuarters, then a
//   rollup_done row at generation gen), then dirty days whose quarters are all clean
//   (spec.rollDays, then done). The rollup rows are versioned by gen (ReplacingMergeTree) and a
//   recompute zeroes vanished keys, so reading the rollup FINAL is the newest state.
// - Readers: readRollupState(ch, kind, site, from, to), then splitRange(state, from, to,
//   { quarter(q), day(d) }) -> { days, quarters, scan } runs ({ from[], to[] }, half-open,
//   seconds). Read `days` and `quarters` from the rollup, `scan` from the facts. A bucket is
//   clean when it was rolled up (a done row) and no mark is newer than its done gen; a bucket
//   never rolled up is scanned.
//   The eligibility callbacks are the caller's rules (a bucket must lie wholly in one local
//   period and be wholly in or out of opening hours).
export { DAY_S, QUARTER_S, bucketRuns, dayClean, dayOf, quarterClean, quarterOf, quartersOf, splitRange } from './split.ts';
export type { Eligibility, RangeSplit, RollupLevel, RollupState, Runs } from './split.ts';
export { RollupError, markDirty, readRollupState, rollUpAll, runRollupCycle } from './store.ts';
export type { CycleOptions, CycleResult, RollupSpec } from './store.ts';
export { startRollupJob } from './job.ts';
export type { RollupJob, RollupJobLog, RollupJobOptions } from './job.ts';
