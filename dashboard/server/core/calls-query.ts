// Validation of GET /api/calls and /api/calls.csv (docs/interfaces.md): the /api/kpis parameters
// plus what picks the stints behind one figure. Pure; a rejection names the parameter at fault.
import { CALL_FIGURES, CALL_ORDERS, MAX_CALLS_PAGE, STINT_OUTCOMES, type CallFigure, type CallOrder, type CallsQuery, type StintOutcome } from '@tablero/processor/contract';
import { LANGS, type Lang } from '../../shared/roles.ts';
import { KPI_PARAMS, parseKpiQuery, type ParseResult } from './kpi-query.ts';

const LIST_PARAMS = ['figure', 'outcome', 'within_t', 'agent', 'period', 'limit', 'cursor', 'order'];
const LIST_KNOWN: ReadonlySet<string> = new Set([...KPI_PARAMS, ...LIST_PARAMS]);
/** The CSV takes the whole list (no page) and the download's convention. */
const CSV_KNOWN: ReadonlySet<string> = new Set([...KPI_PARAMS, ...LIST_PARAMS.filter((k) => k !== 'limit' && k !== 'cursor'), 'lang']);
const MAX_NAME = 128;
const MAX_CURSOR = 512;

function oneOf<T extends string>(raw: Record<string, unknown>, name: string, allowed: readonly T[]): ParseResult<T | undefined> {
  const v = raw[name];
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'string') return { ok: false, param: name, reason: 'must be given once' };
  if (!(allowed as readonly string[]).includes(v)) return { ok: false, param: name, reason: `must be one of ${allowed.join(', ')}` };
  return { ok: true, value: v as T };
}

function text(raw: Record<string, unknown>, name: string, max: number): ParseResult<string | undefined> {
  const v = raw[name];
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'string') return { ok: false, param: name, reason: 'must be given once' };
  if (v.length === 0 || v.length > max) return { ok: false, param: name, reason: `must be 1 to ${max} characters` };
  return { ok: true, value: v };
}

export function parseCallsQuery(raw: Record<string, unknown>, opts: { csv?: boolean } = {}): ParseResult<CallsQuery & { lang?: Lang }> {
  const kpi = parseKpiQuery(raw, opts.csv ? CSV_KNOWN : LIST_KNOWN);
  if (!kpi.ok) return kpi;
  const q: CallsQuery & { lang?: Lang } = { ...kpi.value };
  const figure = oneOf<CallFigure>(raw, 'figure', CALL_FIGURES);
  if (!figure.ok) return figure;
  if (figure.value !== undefined) q.figure = figure.value;
  const rawOutcomes = raw['outcome'];
  if (rawOutcomes !== undefined) {
    const list = typeof rawOutcomes === 'string' ? [rawOutcomes] : rawOutcomes;
    if (!Array.isArray(list) || list.some((x) => !(STINT_OUTCOMES as readonly unknown[]).includes(x))) {
      return { ok: false, param: 'outcome', reason: `each must be one of ${STINT_OUTCOMES.join(', ')}` };
    }
    q.outcomes = [...new Set(list as StintOutcome[])];
  }
  const within = oneOf(raw, 'within_t', ['yes', 'no'] as const);
  if (!within.ok) return within;
  if (within.value !== undefined) q.within_t = within.value === 'yes';
  for (const [name, max] of [['agent', MAX_NAME], ['period', 16], ['cursor', MAX_CURSOR]] as const) {
    const t = text(raw, name, max);
    if (!t.ok) return t;
    if (t.value !== undefined) q[name] = t.value;
  }
  const limit = text(raw, 'limit', 4);
  if (!limit.ok) return limit;
  if (limit.value !== undefined) {
    const n = /^\d+$/.test(limit.value) ? Number(limit.value) : 0;
    if (n < 1 || n > MAX_CALLS_PAGE) return { ok: false, param: 'limit', reason: `must be an integer from 1 to ${MAX_CALLS_PAGE}` };
    q.limit = n;
  }
  const order = oneOf<CallOrder>(raw, 'order', CALL_ORDERS);
  if (!order.ok) return order;
  if (order.value !== undefined) q.order = order.value;
  const lang = oneOf<Lang>(raw, 'lang', LANGS);
  if (!lang.ok) return lang;
  if (lang.value !== undefined) q.lang = lang.value;
  return { ok: true, value: q };
}

/** A list parameter the processor rejected (bad cursor, a period of another grouping): its name and reason. */
export function listRejection(err: unknown): { param: string; reason: string } | null {
  if (!(err instanceof Error) || err.name !== 'KpiQueryError') return null;
  const param = 'param' in err && typeof err.param === 'string' ? err.param : 'from/to';
  return { param, reason: err.message };
}
