// Pure part of the exact rollups: bucket arithmetic, which buckets are clean, and how a time
// range splits into rolled-up runs and runs to scan. No I/O, no clock.

/** A 15-minute UTC bucket (level 900) and a UTC day (level 86400), in seconds. */
export const QUARTER_S = 900;
export const DAY_S = 86400;
export type RollupLevel = typeof QUARTER_S | typeof DAY_S;

export const quarterOf = (epochS: number): number => epochS - (((epochS % QUARTER_S) + QUARTER_S) % QUARTER_S);
export const dayOf = (epochS: number): number => epochS - (((epochS % DAY_S) + DAY_S) % DAY_S);

/** Distinct quarter buckets of some times, ascending. */
export function quartersOf(timesS: Iterable<number>): number[] {
  const set = new Set<number>();
  for (const t of timesS) set.add(quarterOf(t));
  return [...set].sort((a, b) => a - b);
}

/**
 * What the store says about one site's buckets over a range (readRollupState): the newest mark
 * per quarter and the generation each quarter and day was rolled up at.
 */
export interface RollupState {
  /** Quarter start -> newest mark seq (microseconds). */
  marks: ReadonlyMap<number, number>;
  /** Quarter start -> gen of its rolled rows. */
  quarters: ReadonlyMap<number, number>;
  /** Day start -> gen of its rolled rows. */
  days: ReadonlyMap<number, number>;
}

/**
 * A quarter is clean when it was rolled up and no mark is newer than its generation, or when it
 * was never marked and its UTC day was rolled up (known empty). Any other bucket never rolled up
 * is not clean, even unmarked: facts stored outside the marks (a manual INSERT) in a day never
 * rolled are then still counted, by the scan.
 */
export function quarterClean(s: RollupState, q: number): boolean {
  const gen = s.quarters.get(q);
  const mark = s.marks.get(q);
  // Never marked inside a rolled day: no writer ever stored a fact there (every writer marks
  // before it stores, and the day's roll came after every mark of its day), so the quarter is
  // known empty. Without this, a day's quiet quarters (nights, sparse queues) were scanned one
  // range each, hundreds of ranges per month (seconds per read).
  if (gen === undefined) return mark === undefined && s.days.has(dayOf(q));
  return mark === undefined || gen >= mark;
}

/** A day is clean when it was rolled up and none of its 96 quarters has a newer mark. */
export function dayClean(s: RollupState, d: number): boolean {
  const gen = s.days.get(d);
  if (gen === undefined) return false;
  for (let q = d; q < d + DAY_S; q += QUARTER_S) {
    const mark = s.marks.get(q);
    if (mark !== undefined && mark > gen) return false;
  }
  return true;
}

/** Half-open runs [from, to) in seconds. */
export interface Runs {
  from: number[];
  to: number[];
}

/** How [from, to) splits: runs read from the rollup per level, and runs to scan from the facts. */
export interface RangeSplit {
  quarters: Runs;
  days: Runs;
  scan: Runs;
}

/** Whether a caller may read a whole bucket from the rollup (its own rules: periods, calendar). */
export interface Eligibility {
  quarter(q: number): boolean;
  day(d: number): boolean;
}

function push(r: Runs, a: number, b: number): void {
  if (a >= b) return;
  const last = r.to.length - 1;
  if (last >= 0 && r.to[last] === a) r.to[last] = b;
  else {
    r.from.push(a);
    r.to.push(b);
  }
}

/**
 * Splits [fromS, toS) into rolled runs (whole clean buckets the caller finds eligible, a day when
 * it can, else quarters) and scan runs (everything else: edges that cut a quarter, dirty or
 * never-rolled buckets, buckets the caller cannot read whole). The runs together cover the range
 * exactly once.
 */
export function splitRange(state: RollupState, fromS: number, toS: number, ok: Eligibility): RangeSplit {
  const out: RangeSplit = { quarters: { from: [], to: [] }, days: { from: [], to: [] }, scan: { from: [], to: [] } };
  let t = fromS;
  const firstQ = quarterOf(fromS) === fromS ? fromS : quarterOf(fromS) + QUARTER_S;
  if (firstQ >= toS) {
    push(out.scan, fromS, toS);
    return out;
  }
  push(out.scan, t, firstQ);
  t = firstQ;
  while (t + QUARTER_S <= toS) {
    if (t === dayOf(t) && t + DAY_S <= toS && dayClean(state, t) && ok.day(t)) {
      push(out.days, t, t + DAY_S);
      t += DAY_S;
      continue;
    }
    if (quarterClean(state, t) && ok.quarter(t)) push(out.quarters, t, t + QUARTER_S);
    else push(out.scan, t, t + QUARTER_S);
    t += QUARTER_S;
  }
  push(out.scan, t, toS);
  return out;
}

/** Contiguous runs of sorted bucket starts of one size, split where a run would cross `splitAt`. */
export function bucketRuns(starts: readonly number[], size: number, splitAt: (s: number) => number = () => Infinity): Runs {
  const r: Runs = { from: [], to: [] };
  for (const s of starts) {
    const last = r.to.length - 1;
    if (last >= 0 && r.to[last] === s && splitAt(r.from[last] as number) > s) r.to[last] = s + size;
    else {
      r.from.push(s);
      r.to.push(s + size);
    }
  }
  return r;
}
