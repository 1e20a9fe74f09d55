// The audit page's query (`from`, `to` as YYYY-MM-DD in the site time zone, [from, to + 1 day);
// `actor`, `action` (comma list), `target`, `page`, `size`), parsed without I/O.
import { isAuditAction } from '../../shared/audit.ts';
import type { AuditFilter } from '../store/audit-store.ts';

export const DEFAULT_AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 500;
const DAY_MS = 86_400_000;

export type AuditQueryResult =
  | { ok: true; filter: AuditFilter; page: number; size: number }
  | { ok: false; param: string; reason: string };

/** Epoch ms of local midnight of `date` (YYYY-MM-DD) in `tz` (offset read at that instant, DST-safe to the hour). */
export function localMidnightMs(date: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const offsetAt = (ms: number): number => {
    const p = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
    const n = (t: string): number => Number(p.find((x) => x.type === t)?.value ?? 0);
    return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - ms;
  };
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/** `YYYY-MM-DD HH:MM:SS` of an instant in `tz`. */
export function localTime(ms: number, tz: string): string {
  const p = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(new Date(ms));
  const v = (t: string): string => p.find((x) => x.type === t)?.value ?? '';
  return `${v('year')}-${v('month')}-${v('day')} ${v('hour')}:${v('minute')}:${v('second')}`;
}

/** The calendar day after `date` (YYYY-MM-DD). */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

const DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function parseAuditQuery(q: Record<string, unknown>, tz: string): AuditQueryResult {
  const str = (name: string): string | undefined | null => {
    const v = q[name];
    if (v === undefined || v === '') return undefined;
    return typeof v === 'string' ? v : null;
  };
  const filter: AuditFilter = {};
  for (const name of ['from', 'to'] as const) {
    const v = str(name);
    if (v === null || (v !== undefined && !DATE.test(v))) return { ok: false, param: name, reason: 'must be YYYY-MM-DD' };
    if (v !== undefined) {
      const ms = localMidnightMs(v, tz);
      if (name === 'from') filter.from_ms = ms;
      else filter.to_ms = localMidnightMs(nextDay(v), tz);
    }
  }
  if (filter.from_ms !== undefined && filter.to_ms !== undefined && filter.to_ms <= filter.from_ms) return { ok: false, param: 'to', reason: 'must not be before from' };
  for (const name of ['actor', 'target'] as const) {
    const v = str(name);
    if (v === null || (v !== undefined && v.length > 200)) return { ok: false, param: name, reason: 'at most 200 characters' };
    if (v !== undefined) filter[name] = v;
  }
  const action = str('action');
  if (action === null) return { ok: false, param: 'action', reason: 'must be given once' };
  if (action !== undefined) {
    const list = action.split(',').map((a) => a.trim()).filter((a) => a !== '');
    const bad = list.find((a) => !isAuditAction(a));
    if (bad !== undefined) return { ok: false, param: 'action', reason: `unknown action ${bad.slice(0, 40)}` };
    filter.actions = list;
  }
  const int = (name: string, def: number, min: number, max: number): number | string => {
    const v = str(name);
    if (v === undefined) return def;
    if (v === null || !/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) return `must be a whole number from ${min} to ${max}`;
    return Number(v);
  };
  const page = int('page', 1, 1, 1_000_000);
  if (typeof page === 'string') return { ok: false, param: 'page', reason: page };
  const size = int('size', DEFAULT_AUDIT_PAGE_SIZE, 1, MAX_AUDIT_PAGE_SIZE);
  if (typeof size === 'string') return { ok: false, param: 'size', reason: size };
  return { ok: true, filter, page, size };
}
