// GET /api/funnel: the same rows as `tablero funnel --json` (docs/kpi-definitions.md §13), and GET
// /api/funnel/calls: the calls behind one figure of one row, read by the processor's funnel query
// through the injected ports; this file validates, masks callers per role and moves bytes.
import { FUNNEL_CALLS_MAX_LIMIT, FUNNEL_FIGURES, maskCaller, type FunnelCallsQuery, type FunnelFigure, type FunnelQuery } from '@tablero/processor/contract';
import type { FastifyRequest } from 'fastify';
import { ALL_ROLES } from '../core/roles.ts';
import { fullNumbers } from './calls.ts';
import { parseKpiQuery, rangeRejection } from '../core/kpi-query.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, FunnelFailedError, FunnelUnavailableError } from '../errors.ts';

/** The parameters of GET /api/funnel besides `service` (read here): a KPI query's range ones. */
const FUNNEL_RANGE_PARAMS: ReadonlySet<string> = new Set(['from', 'to', 'by', 'tz', 'site']);
const MAX_SERVICES = 50;
const MAX_SERVICE_LENGTH = 64;

const MAX_OFFSET = 10_000_000;

/** The range parameters every funnel route shares. */
function rangeOf(rest: Record<string, unknown>): FunnelQuery {
  const parsed = parseKpiQuery(rest, FUNNEL_RANGE_PARAMS);
  if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
  const q: FunnelQuery = { from: parsed.value.from, to: parsed.value.to };
  for (const k of ['by', 'tz', 'site'] as const) if (parsed.value[k] !== undefined) Object.assign(q, { [k]: parsed.value[k] });
  return q;
}

/** A name-like parameter: one string of 1 to 64 characters (`allowEmpty`: 0 to 64). */
function oneString(v: unknown, name: string, allowEmpty = false): string {
  if (typeof v !== 'string' || v.length > MAX_SERVICE_LENGTH || (!allowEmpty && v.length === 0)) {
    throw new BadQueryError(name, v === undefined ? 'is required' : `must be one text of ${allowEmpty ? 0 : 1} to ${MAX_SERVICE_LENGTH} characters`);
  }
  return v;
}

function whole(v: unknown, name: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  if (!(n >= min && n <= max)) throw new BadQueryError(name, `must be a whole number from ${min} to ${max}`);
  return n;
}

/** Runs a funnel read, turning the read's refusals into 400s naming the parameter. */
async function read<T>(req: FastifyRequest, q: FunnelQuery, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const rejected = rangeRejection(err);
    if (rejected !== null) {
      const param = rejected.startsWith('no service') ? 'service' : rejected.startsWith('period') ? 'period' : rejected.startsWith('figure') ? 'figure' : 'from/to';
      throw new BadQueryError(param, rejected);
    }
    req.log.error({ err, from: q.from, to: q.to }, 'funnel query failed');
    throw new FunnelFailedError({ cause: err });
  }
}

export function funnelRoutes(app: App, ctx: AppContext): void {
  // Figures per service and period, no caller numbers: every logged-in role, like /api/kpis, and a
  // kiosk TV's wallboard (its funnel tile).
  app.get('/api/funnel', { config: { access: 'board' } }, async (req) => {
    const port = ctx.deps.funnel;
    if (!port) throw new FunnelUnavailableError();
    const { service, ...rest } = req.query as Record<string, unknown>;
    const q = rangeOf(rest);
    if (service !== undefined) {
      const list = typeof service === 'string' ? [service] : service;
      if (!Array.isArray(list) || list.length > MAX_SERVICES) throw new BadQueryError('service', `at most ${MAX_SERVICES} services`);
      if (list.some((s) => typeof s !== 'string' || s.length === 0 || s.length > MAX_SERVICE_LENGTH)) {
        throw new BadQueryError('service', `must be a name of 1 to ${MAX_SERVICE_LENGTH} characters`);
      }
      q.services = [...new Set(list as string[])];
    }
    return read(req, q, () => port(q));
  });

  // The calls behind one figure of one row: the same parameters and roles as /api/funnel; the
  // callers' numbers masked as in /api/calls for roles that do not see them.
  app.get('/api/funnel/calls', { config: { access: ALL_ROLES } }, async (req) => {
    const port = ctx.deps.funnelCalls;
    if (!port) throw new FunnelUnavailableError();
    const { service, period, figure, option, limit, offset, ...rest } = req.query as Record<string, unknown>;
    const range = rangeOf(rest);
    if (!FUNNEL_FIGURES.includes(figure as FunnelFigure)) throw new BadQueryError('figure', `must be one of ${FUNNEL_FIGURES.join(', ')}`);
    const q: FunnelCallsQuery = { ...range, service: oneString(service, 'service'), period: oneString(period, 'period'), figure: figure as FunnelFigure };
    if (option !== undefined) q.option = oneString(option, 'option', true);
    const l = whole(limit, 'limit', 1, FUNNEL_CALLS_MAX_LIMIT);
    const o = whole(offset, 'offset', 0, MAX_OFFSET);
    if (l !== undefined) q.limit = l;
    if (o !== undefined) q.offset = o;
    const page = await read(req, range, () => port(q));
    return fullNumbers(req) ? page : { ...page, rows: page.rows.map((r) => ({ ...r, src: maskCaller(r.src) })) };
  });
}
