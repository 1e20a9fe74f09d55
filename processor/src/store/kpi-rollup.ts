// Which stored KPI reads come from the stint rollup (issue 18): for one piece and definition
// group of a read plan, the whole buckets that are clean (../rollup/) AND that the group's rules
// can read whole: a bucket must lie in one local period of the report's zone and be wholly in or
// out of the calendar's opening hours (holidays, weekly ranges, DST in the calendar's own zone).
// Everything else is scanned from the stints with the same fragment. Both sources go through
// queries/stints-classified.sql, so a rule has one definition.
import { readFileSync } from 'node:fs';
import { createCalendar, utcOffsetS, type PeriodBy, type SiteCalendarSpec } from '../core/calendar.ts';
import { DAY_S, QUARTER_S, splitRange, type Eligibility, type RangeSplit, type RollupState, type Runs } from '../rollup/index.ts';

const sql = (name: string): string => readFileSync(new URL(`./queries/${name}.sql`, import.meta.url), 'utf8');
const CLASSIFIED = sql('stints-classified');
const SOURCE = { stints: sql('stints-source'), rollup: sql('rollup-source') } as const;

const int = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  return String(n);
};
const between = (col: string, r: Runs): string[] =>
  r.from.map((a, i) => `(${col} >= toDateTime(${int(a)}, 'UTC') AND ${col} < toDateTime(${int(r.to[i] as number)}, 'UTC'))`);

/** The shared fragment over every stint of the range. */
export const allStints = CLASSIFIED.replace('{{source}}', SOURCE.stints.replace('{{runs}}', 'true'));

/**
 * The shared fragment over the stints of some runs only. Runs of whole quarters become one set
 * lookup within the runs' overall bounds (an OR of hundreds of ranges, a month of quiet nights
 * or of dirty quarters, cost seconds to plan); runs that cut a quarter stay ranges (at most the
 * range's two edges).
 */
export function scannedStints(runs: Runs): string {
  const whole: Runs = { from: [], to: [] };
  const cut: Runs = { from: [], to: [] };
  runs.from.forEach((a, i) => {
    const b = runs.to[i] as number;
    const r = a % QUARTER_S === 0 && b % QUARTER_S === 0 ? whole : cut;
    r.from.push(a);
    r.to.push(b);
  });
  const terms = whole.from.length <= 4 ? between('enter_ts', runs) : [
    ...between('enter_ts', cut),
    `(enter_ts >= toDateTime(${int(whole.from[0] as number)}, 'UTC') AND enter_ts < toDateTime(${int(whole.to[whole.to.length - 1] as number)}, 'UTC')` +
      ` AND toUInt32(toStartOfFifteenMinutes(enter_ts)) IN (${starts(whole, QUARTER_S)}))`,
  ];
  return CLASSIFIED.replace('{{source}}', SOURCE.stints.replace('{{runs}}', terms.join(' OR ') || 'false'));
}

/** Bucket starts of some runs, as an SQL list. */
function starts(r: Runs, size: number): string {
  const out: string[] = [];
  r.from.forEach((a, i) => {
    for (let b = a; b < (r.to[i] as number); b += size) out.push(int(b));
  });
  return out.join(',');
}

/**
 * The shared fragment over the rollup rows of some clean day and quarter runs. Membership is a
 * set lookup per level (an OR of ranges cost twice the rest of the query on a year of days);
 * the fragment's from/to bounds still prune by the primary key.
 */
export function rolledStints(split: Pick<RangeSplit, 'days' | 'quarters'>): string {
  const runs = [
    ...(split.days.from.length > 0 ? [`(level = ${DAY_S} AND toUInt32(bucket) IN (${starts(split.days, DAY_S)}))`] : []),
    ...(split.quarters.from.length > 0 ? [`(level = ${QUARTER_S} AND toUInt32(bucket) IN (${starts(split.quarters, QUARTER_S)}))`] : []),
  ];
  return CLASSIFIED.replace('{{source}}', SOURCE.rollup.replace('{{runs}}', runs.join(' OR ') || 'false'));
}

/** Seconds east of UTC of `tz` over a UTC day, when it does not change within the day; else null. */
function dayOffset(cache: Map<string, number | null>, tz: string, d: number): number | null {
  const key = `${tz}\0${d}`;
  let o = cache.get(key);
  if (o === undefined) {
    const a = utcOffsetS(d, tz);
    o = a === utcOffsetS(d + DAY_S - 1, tz) ? a : null;
    cache.set(key, o);
  }
  return o;
}

const DATE = (localDay: number): string => new Date(localDay * DAY_S * 1000).toISOString().slice(0, 10);

/**
 * Which whole buckets a group may read from the rollup. Local periods of `tz` are unions of UTC
 * quarters when its offset is a multiple of 15 minutes (every zone in use today); a quarter of a
 * zone or a day with any other offset, or with a DST change inside the UTC day, is scanned.
 */
export function rollupEligibility(tz: string, by: PeriodBy, calendar: SiteCalendarSpec): Eligibility {
  const cal = createCalendar(calendar);
  const offsets = new Map<string, number | null>();
  const holidays = new Set(cal.holidays);
  /** In hours over the whole quarter: true / false, or null when it changes inside it. */
  const quarterHours = (q: number): boolean | null => {
    if (cal.alwaysOpen) return true;
    const o = dayOffset(offsets, cal.tz, q - (q % DAY_S));
    if (o === null) return null;
    const local = q + o;
    const localDay = Math.floor(local / DAY_S);
    const sod = local - localDay * DAY_S;
    if (sod + QUARTER_S > DAY_S) return null; // crosses local midnight (an offset off the quarter grid)
    if (holidays.has(DATE(localDay))) return false;
    const ranges = cal.rangesS[(((localDay + 3) % 7) + 7) % 7] ?? []; // 1970-01-01 was a Thursday; index 0 = Monday
    for (const [a, b] of ranges) if ((a > sod && a < sod + QUARTER_S) || (b > sod && b < sod + QUARTER_S)) return null;
    return ranges.some(([a, b]) => a <= sod && sod < b);
  };
  const quarterOk = (q: number): boolean => {
    const o = dayOffset(offsets, tz, q - (q % DAY_S));
    return o !== null && o % QUARTER_S === 0 && quarterHours(q) !== null;
  };
  return {
    quarter: quarterOk,
    day(d) {
      const o = dayOffset(offsets, tz, d);
      if (o === null || o % QUARTER_S !== 0) return false;
      // The UTC day must lie in one local period: a local month, or a local day when the zone is UTC.
      if (by === 'day' && o !== 0) return false;
      if (by === 'hour' || by === 'interval') return false;
      if (by === 'month' && new Date((d + o) * 1000).getUTCMonth() !== new Date((d + o + DAY_S - 1) * 1000).getUTCMonth()) return false;
      if (cal.alwaysOpen) return true;
      const first = quarterHours(d);
      if (first === null) return false;
      for (let q = d + QUARTER_S; q < d + DAY_S; q += QUARTER_S) if (quarterHours(q) !== first) return false;
      return true;
    },
  };
}

/** The split of one piece of a read plan: rolled runs and scanned runs. */
export function splitPiece(state: RollupState | null, fromS: number, toS: number, tz: string, by: PeriodBy, calendar: SiteCalendarSpec): RangeSplit {
  if (state === null) return { days: { from: [], to: [] }, quarters: { from: [], to: [] }, scan: { from: [fromS], to: [toS] } };
  return splitRange(state, fromS, toS, rollupEligibility(tz, by, calendar));
}
