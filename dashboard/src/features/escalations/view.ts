// Pure helpers of the escalation views: the area x bucket matrix and local dates.
import { AGE_BUCKETS, type AgeBucket, type EscalationsSnapshot } from '@tablero/processor/contract';

export interface MatrixRow {
  area: string;
  cells: number[];
  open: number;
  overdue: number;
  due_soon: number;
}

/** Rows per area (then a total row) with one cell per age bucket, in bucket order. */
export function areaMatrix(snap: EscalationsSnapshot): { buckets: readonly AgeBucket[]; rows: MatrixRow[]; total: MatrixRow } {
  const rows = snap.by_area.map((a) => ({ area: a.area, cells: AGE_BUCKETS.map((b) => a.buckets[b]), open: a.open, overdue: a.overdue, due_soon: a.due_soon }));
  const t = snap.totals;
  return { buckets: AGE_BUCKETS, rows, total: { area: '', cells: AGE_BUCKETS.map((b) => t.buckets[b]), open: t.open, overdue: t.overdue, due_soon: t.due_soon } };
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-03-02 10:15` in the site's zone (the calendar the terms are counted in). */
export function localDateTime(epochS: number, tz: string): string {
  let f = dateFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    dateFormats.set(tz, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(epochS * 1000))) p[part.type] = part.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** The previous month of `YYYY-MM` (the month a manager usually reviews). */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** Sites that have a snapshot, for the wallboard tile: stable order by site id. */
export function tileSites(map: ReadonlyMap<string, EscalationsSnapshot>): EscalationsSnapshot[] {
  return [...map.values()].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
}

/** The parameters after `?` in a hash route (`#/escalations?site=lpz&ticket=RAD-1`). */
export function hashQuery(hash: string): URLSearchParams {
  const q = hash.indexOf('?');
  return new URLSearchParams(q === -1 ? '' : hash.slice(q + 1));
}

/** The escalations page's address that opens a ticket or lists a call's tickets (links from other pages). */
export function escalationsHref(o: { site: string; ticket?: string; call?: string }): string {
  const q = new URLSearchParams({ site: o.site });
  if (o.ticket !== undefined) q.set('ticket', o.ticket);
  if (o.call !== undefined) q.set('call', o.call);
  return `#/escalations?${q.toString()}`;
}
