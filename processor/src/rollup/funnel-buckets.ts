// The call funnel rollup's bucket arithmetic (docs/kpi-definitions.md §13 "How the rollup stays
// exact"). Pure: which 15-minute UTC buckets a stored row makes dirty, which buckets the roll job
// may roll, and which parts of a read range are scanned instead of read from rolled rows.
import { FUNNEL_MARGIN_S } from '../core/funnel.ts';

/** A bucket: the 15 minutes of UTC time [b, b + FUNNEL_BUCKET_S) in which calls start. */
export const FUNNEL_BUCKET_S = 900;

/**
 * Marks are written only for buckets that may already be rolled or be rolled soon: those ending at
 * least FUNNEL_MARGIN_S - MARK_SLACK_S before the writer's clock. The job rolls only buckets
 * ending FUNNEL_MARGIN_S before its own clock, so writer and job may disagree by up to this much.
 */
export const MARK_SLACK_S = 3600;

/** A pending mark (its rows may still be landing) older than this is taken as settled: its writer died. */
export const PENDING_GRACE_S = 3600;

export const bucketOf = (t: number): number => Math.floor(t / FUNNEL_BUCKET_S) * FUNNEL_BUCKET_S;

/**
 * The buckets to mark dirty before storing rows with these times (CDR leg starts, stint enter
 * times, IVR event times): every bucket a call touched by such a row may start in, which is
 * [t - span, t + span] (a late leg may also move its call's start earlier, out of a later bucket
 * it was rolled in), restricted to buckets the job may have rolled by now (see MARK_SLACK_S).
 * Sorted, distinct.
 */
export function markBuckets(times: Iterable<number>, nowS: number, spanS = FUNNEL_MARGIN_S): number[] {
  const limit = nowS - spanS + MARK_SLACK_S; // buckets ending after this are never rolled yet
  const seen = new Set<number>();
  for (const t of times) seen.add(bucketOf(t));
  const out = new Set<number>();
  for (const b of seen) {
    for (let x = bucketOf(b - spanS); x <= b + spanS; x += FUNNEL_BUCKET_S) {
      if (x + FUNNEL_BUCKET_S <= limit) out.add(x);
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** The job rolls buckets starting before this: ended FUNNEL_MARGIN_S ago, their calls complete unless a late row comes. */
export function rollableBefore(nowS: number, spanS = FUNNEL_MARGIN_S): number {
  return bucketOf(nowS - spanS);
}

/** Sorted distinct buckets as runs of consecutive buckets, [from, to). */
export function bucketRuns(buckets: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const b of buckets) {
    const last = runs[runs.length - 1];
    if (last && last[1] === b) last[1] = b + FUNNEL_BUCKET_S;
    else runs.push([b, b + FUNNEL_BUCKET_S]);
  }
  return runs;
}

/** [from, to) minus the rolled buckets read (sorted, each inside the range): the intervals the scan counts. */
export function scanIntervals(from: number, to: number, rolled: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = from;
  for (const [a, b] of bucketRuns(rolled)) {
    if (a > at) out.push([at, a]);
    at = Math.max(at, b);
  }
  if (at < to) out.push([at, to]);
  return out;
}

/**
 * Whether the queues' T of a bucket's calls is one: no change of the site's definitions (piece
 * start) within the reach of its calls' stints, [b - span, b + bucket + span). Otherwise the
 * bucket is scanned, which judges every stint with the T in force at its own enter time.
 */
export function oneDefinition(b: number, pieceStarts: readonly number[], spanS = FUNNEL_MARGIN_S): boolean {
  return !pieceStarts.some((p) => p > b - spanS && p < b + FUNNEL_BUCKET_S + spanS);
}
