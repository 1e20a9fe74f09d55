// Validation of the KPI query parameters of `GET /api/kpis` and the Reports routes
// (docs/interfaces.md), mapped to the processor's one KPI query type. Pure; a rejection names
// the parameter at fault.
import { MAX_QUEUE_LENGTH, MAX_QUEUES, SITE_ID as SITE } from '../../shared/kpi-query-limits.ts';
import { KPI_GROUPINGS, SL_FORMULAS, type KpiGrouping, type KpiQuery, type SlFormula } from '@tablero/processor/contract';

export type { KpiQuery };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; param: string; reason: string };

const KNOWN = new Set(['from', 'to', 'queue', 'by', 'formula', 'threshold', 'strict', 'short_abandon', 'tz', 'site']);
/** The parameters of GET /api/kpis (other routes take these plus their own). */
export const KPI_PARAMS: ReadonlySet<string> = KNOWN;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

interface Instant {
  /** Sortable key in the moment's own frame: `YYYY-MM-DDTHH:MM:SS.mmm`. */
  key: string;
  /** Epoch ms when the text carries its own offset, else null (it depends on tz). */
  epochMs: number | null;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1970 && y <= 2299 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Parses `YYYY-MM-DD` or an ISO datetime (optional seconds, milliseconds and offset). */
export function parseInstant(text: string): Instant | null {
  const d = DATE.exec(text);
  if (d) {
    const [y, m, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
    return validDate(y, m, day) ? { key: `${text}T00:00:00.000`, epochMs: null } : null;
  }
  const t = DATETIME.exec(text);
  if (!t) return null;
  const [y, m, day, hh, mm] = [Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]), Number(t[5])];
  const ss = t[6] === undefined ? 0 : Number(t[6]);
  const ms = t[7] === undefined ? 0 : Number(t[7].padEnd(3, '0'));
  if (!validDate(y, m, day) || hh > 23 || mm > 59 || ss > 59) return null;
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const key = `${t[1]}-${t[2]}-${t[3]}T${pad(hh)}:${pad(mm)}:${pad(ss)}.${pad(ms, 3)}`;
  const zone = t[8];
  if (zone === undefined) return { key, epochMs: null };
  let offsetMin = 0;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) return null;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { key, epochMs: Date.parse(`${key}Z`) - offsetMin * 60_000 };
}

export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function single(raw: Record<string, unknown>, name: string): ParseResult<string | undefined> {
  const v = raw[name];
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v === 'string') return { ok: true, value: v };
  return { ok: false, param: name, reason: 'must be given once' };
}

function nonNegativeInt(name: string, text: string): ParseResult<number> {
  if (!/^\d{1,9}$/.test(text)) return { ok: false, param: name, reason: 'must be an integer >= 0' };
  return { ok: true, value: Number(text) };
}

/** `known`: the parameters this route takes (a route without periods takes no `by`). */
/** The parameters of the Reports routes without periods (wait distribution, agents). */
export const RANGE_PARAMS: ReadonlySet<string> = new Set([...KNOWN].filter((k) => k !== 'by'));

export function parseKpiQuery(raw: Record<string, unknown>, known: ReadonlySet<string> = KNOWN): ParseResult<KpiQuery> {
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) return { ok: false, param: key, reason: 'unknown parameter' };
  }
  const bounds: Partial<Record<'from' | 'to', { text: string; at: Instant }>> = {};
  for (const name of ['from', 'to'] as const) {
    const s = single(raw, name);
    if (!s.ok) return s;
    if (s.value === undefined) return { ok: false, param: name, reason: 'is required' };
    const at = parseInstant(s.value);
    if (!at) return { ok: false, param: name, reason: 'must be YYYY-MM-DD or an ISO datetime' };
    bounds[name] = { text: s.value, at };
  }
  const from = bounds.from as { text: string; at: Instant };
  const to = bounds.to as { text: string; at: Instant };
  // `to` is exclusive, so it must come after `from`. Compare only when both are in the same
  // frame: both with offsets (absolute) or both without (the same site time zone).
  if (from.at.epochMs !== null && to.at.epochMs !== null) {
    if (to.at.epochMs <= from.at.epochMs) return { ok: false, param: 'to', reason: 'must be after from' };
  } else if (from.at.epochMs === null && to.at.epochMs === null) {
    if (to.at.key <= from.at.key) return { ok: false, param: 'to', reason: 'must be after from' };
  }
  const query: KpiQuery = { from: from.text, to: to.text };

  const rawQueues = raw['queue'];
  if (rawQueues !== undefined) {
    const list = typeof rawQueues === 'string' ? [rawQueues] : rawQueues;
    if (!Array.isArray(list) || list.length > MAX_QUEUES) {
      return { ok: false, param: 'queue', reason: `at most ${MAX_QUEUES} queues` };
    }
    const queues: string[] = [];
    for (const q of list) {
      if (typeof q !== 'string' || q.length === 0 || q.length > MAX_QUEUE_LENGTH) {
        return { ok: false, param: 'queue', reason: `must be a name of 1 to ${MAX_QUEUE_LENGTH} characters` };
      }
      if (!queues.includes(q)) queues.push(q);
    }
    query.queues = queues;
  }

  const by = single(raw, 'by');
  if (!by.ok) return by;
  if (by.value !== undefined) {
    if (!(KPI_GROUPINGS as readonly string[]).includes(by.value)) {
      return { ok: false, param: 'by', reason: `must be one of ${KPI_GROUPINGS.join(', ')}` };
    }
    query.by = by.value as KpiGrouping;
  }

  const formula = single(raw, 'formula');
  if (!formula.ok) return formula;
  if (formula.value !== undefined) {
    if (!(SL_FORMULAS as readonly string[]).includes(formula.value)) {
      return { ok: false, param: 'formula', reason: `must be one of ${SL_FORMULAS.join(', ')}` };
    }
    query.formula = formula.value as SlFormula;
  }

  for (const [name, field] of [['threshold', 'threshold_s'], ['short_abandon', 'short_abandon_s']] as const) {
    const s = single(raw, name);
    if (!s.ok) return s;
    if (s.value !== undefined) {
      const n = nonNegativeInt(name, s.value);
      if (!n.ok) return n;
      query[field] = n.value;
    }
  }

  const strict = single(raw, 'strict');
  if (!strict.ok) return strict;
  if (strict.value !== undefined) {
    if (strict.value === 'true' || strict.value === '1') query.strict = true;
    else if (strict.value === 'false' || strict.value === '0') query.strict = false;
    else return { ok: false, param: 'strict', reason: 'must be true, false, 1 or 0' };
  }

  const tz = single(raw, 'tz');
  if (!tz.ok) return tz;
  if (tz.value !== undefined) {
    if (!isTimeZone(tz.value)) return { ok: false, param: 'tz', reason: 'must be an IANA time zone' };
    query.tz = tz.value;
  }

  const site = single(raw, 'site');
  if (!site.ok) return site;
  if (site.value !== undefined) {
    if (!SITE.test(site.value)) return { ok: false, param: 'site', reason: 'must be 1 to 64 letters, digits, _ or -' };
    query.site = site.value;
  }
  return { ok: true, value: query };
}

/**
 * The processor's KPI read rejects a range it cannot read (an error named `KpiQueryError`: `to`
 * not after `from` once both are read in the query's zone, e.g. a local `from` against a `to`
 * with an offset, or a wall-clock time skipped by a DST change). That is the caller's mistake:
 * a 400 with the processor's message, never a 500. Matched by name: the dashboard imports no
 * processor internals.
 */
export function rangeRejection(err: unknown): string | null {
  return err instanceof Error && err.name === 'KpiQueryError' ? err.message : null;
}
