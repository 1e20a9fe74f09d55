// Dirty marks of the funnel rollup (generic rollup_marks, kind 'funnel'): which quarters the
// processor marks before and after every commit that stores CDR legs, stints or custom queue_log
// events (IVR options), through the generic markDirty (rollup/store.ts): a crash anywhere leaves
// the quarters dirty until a roll that read the rows after the commit finished.
import type { CdrRecord, QueueEvent } from '@tablero/ingest/contract';
import type { StintRow } from '../core/stint-machine.ts';
import { markQuarters } from './funnel-buckets.ts';

/** The `kind` of the funnel's marks and done rows (settings-independent: a commit's marks do not depend on TABLERO_FUNNEL). */
export const FUNNEL_KIND = 'funnel';

/** The rows of a commit that the funnel reads (store/queries/funnel-calls-judged.sql). */
export interface FunnelTouched {
  cdr?: readonly CdrRecord[];
  stints: readonly StintRow[];
  events: readonly QueueEvent[];
}

/**
 * Site -> the quarters (rollup/funnel-buckets.ts markQuarters) its CDR legs, stints and custom
 * events in this commit may change. Stock queue_log events change no funnel figure by themselves:
 * they reach it through the stints stored with them.
 */
export function funnelMarks(rows: FunnelTouched, nowS: number): Map<string, number[]> {
  const times = new Map<string, number[]>();
  const add = (site: string, t: number): void => {
    const list = times.get(site);
    if (list) list.push(t);
    else times.set(site, [t]);
  };
  for (const r of rows.cdr ?? []) add(r.site, r.start);
  for (const s of rows.stints) add(s.site, s.enter_ts);
  for (const e of rows.events) if (e.custom || e.verb === 'INFO') add(e.site, e.ts);
  const out = new Map<string, number[]>();
  for (const [site, list] of times) {
    const q = markQuarters(list, nowS);
    if (q.length) out.set(site, q);
  }
  return out;
}
