// GET /api/funnel: the same rows as `tablero funnel --json` (docs/kpi-definitions.md §13), read by
// the processor's funnel query through the injected port; this file validates and moves bytes.
import type { FunnelQuery } from '@tablero/processor/contract';
import { ALL_ROLES } from '../core/roles.ts';
import { parseKpiQuery, rangeRejection } from '../core/kpi-query.ts';
import type { App, AppContext } from '../context.ts';
import { BadQueryError, FunnelFailedError, FunnelUnavailableError } from '../errors.ts';

/** The parameters of GET /api/funnel besides `service` (read here): a KPI query's range ones. */
const FUNNEL_RANGE_PARAMS: ReadonlySet<string> = new Set(['from', 'to', 'by', 'tz', 'site']);
const MAX_SERVICES = 50;
const MAX_SERVICE_LENGTH = 64;

export function funnelRoutes(app: App, ctx: AppContext): void {
  // Figures per service and period, no caller numbers: every logged-in role, like /api/kpis.
  app.get('/api/funnel', { config: { access: ALL_ROLES } }, async (req) => {
    const port = ctx.deps.funnel;
    if (!port) throw new FunnelUnavailableError();
    const { service, ...rest } = req.query as Record<string, unknown>;
    const parsed = parseKpiQuery(rest, FUNNEL_RANGE_PARAMS);
    if (!parsed.ok) throw new BadQueryError(parsed.param, parsed.reason);
    const q: FunnelQuery = { from: parsed.value.from, to: parsed.value.to };
    for (const k of ['by', 'tz', 'site'] as const) if (parsed.value[k] !== undefined) Object.assign(q, { [k]: parsed.value[k] });
    if (service !== undefined) {
      const list = typeof service === 'string' ? [service] : service;
      if (!Array.isArray(list) || list.length > MAX_SERVICES) throw new BadQueryError('service', `at most ${MAX_SERVICES} services`);
      if (list.some((s) => typeof s !== 'string' || s.length === 0 || s.length > MAX_SERVICE_LENGTH)) {
        throw new BadQueryError('service', `must be a name of 1 to ${MAX_SERVICE_LENGTH} characters`);
      }
      q.services = [...new Set(list as string[])];
    }
    try {
      return await port(q);
    } catch (err) {
      const rejected = rangeRejection(err);
      if (rejected !== null) throw new BadQueryError(rejected.startsWith('no service') ? 'service' : 'from/to', rejected);
      req.log.error({ err, from: q.from, to: q.to }, 'funnel query failed');
      throw new FunnelFailedError({ cause: err });
    }
  });
}
