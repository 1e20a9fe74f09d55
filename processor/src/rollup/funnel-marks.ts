// Dirty marks of the funnel rollup (table funnel_dirty, migration 123): what the processor writes
// around every commit that stores CDR legs, stints or custom queue_log events (IVR options).
// Pending (state 0) before the rows, complete (1) after them; the roll job clears (2) the complete
// marks it read before its scan. Whatever the moment of a crash, a bucket whose rows changed
// keeps a mark below 2 until a roll that saw the rows, so it is scanned, never read stale.
import type { CdrRecord, QueueEvent } from '@tablero/ingest/contract';
import type { StintRow } from '../core/stint-machine.ts';
import { markBuckets } from './funnel-buckets.ts';

export const MARK_PENDING = 0;
export const MARK_COMPLETE = 1;
export const MARK_CLEARED = 2;

/** One row of funnel_dirty (wire format = column names; times as epoch seconds). */
export interface FunnelMark {
  site: string;
  bucket: number;
  token: string;
  state: number;
  at: number;
}

/** The rows of a commit that the funnel reads (store/queries/funnel-calls-judged.sql). */
export interface FunnelTouched {
  cdr?: readonly CdrRecord[];
  stints: readonly StintRow[];
  events: readonly QueueEvent[];
}

/**
 * The marks of one commit in one state: every bucket (rollup/funnel-buckets.ts markBuckets) of
 * every site its CDR legs, stints and custom events may change. Stock queue_log events change no
 * funnel figure by themselves: they reach it through the stints stored with them.
 */
export function funnelMarks(rows: FunnelTouched, token: string, state: number, nowS: number): FunnelMark[] {
  const times = new Map<string, number[]>();
  const add = (site: string, t: number): void => {
    const list = times.get(site);
    if (list) list.push(t);
    else times.set(site, [t]);
  };
  for (const r of rows.cdr ?? []) add(r.site, r.start);
  for (const s of rows.stints) add(s.site, s.enter_ts);
  for (const e of rows.events) if (e.custom || e.verb === 'INFO') add(e.site, e.ts);
  const out: FunnelMark[] = [];
  for (const [site, list] of times) {
    for (const bucket of markBuckets(list, nowS)) out.push({ site, bucket, token, state, at: nowS });
  }
  return out;
}

/** The insert token of a commit's marks: the content decides it, so a retry computing other marks is not dropped as a repeat. */
export function marksToken(token: string, marks: readonly FunnelMark[]): string {
  const first = marks[0];
  const last = marks[marks.length - 1];
  return `funnel:${token}:${first?.state ?? 0}:${marks.length}:${first?.bucket ?? 0}:${last?.bucket ?? 0}:${first?.at ?? 0}`;
}
